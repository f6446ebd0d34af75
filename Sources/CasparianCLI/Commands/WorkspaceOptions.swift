import ArgumentParser
import CasparianCore
import Foundation
import Workspace

/// `--workspace DIR`: which `.casparian/` to use.
struct WorkspaceOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The folder that holds (or will hold) .casparian/.",
            discussion: "Default: the nearest enclosing folder with .casparian/, else the current folder."))
    var workspace: String?

    /// Opens the workspace, creating `.casparian/` when there is none.
    func open() throws -> Workspace {
        try Workspace.open(
            explicit: workspace.map { URL(fileURLWithPath: $0) },
            from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }

    /// Opens an existing workspace only (commands that read); `root` when
    /// the caller already found it with `existingRoot`.
    func existing(root: URL? = nil) throws -> Workspace {
        try Workspace.open(explicit: root ?? existingRoot(), from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }

    /// The folder holding the existing `.casparian/`, without opening its catalog.
    func existingRoot() throws -> URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let root = workspace.map { URL(fileURLWithPath: $0) } ?? Workspace.locate(from: cwd)
        guard let root, FileManager.default.fileExists(atPath: root.appendingPathComponent(Workspace.folderName).path) else {
            throw CasparianError(
                .notFound, "no Casparian workspace (.casparian/) in \(workspace ?? cwd.path)" + (workspace == nil ? " or above" : ""),
                hint: "run from the folder where you created scopes, or pass --workspace DIR")
        }
        return root
    }
}
