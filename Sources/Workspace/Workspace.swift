import CasparianCore
import Catalog
import Foundation

/// A `.casparian/` folder: the catalog (state) and the output database.
///
/// Found by walking up from the current directory, like `.git`; both
/// front doors (CLI and MCP) work through this type.
public final class Workspace: Sendable {
    public static let folderName = ".casparian"

    /// The folder that contains `.casparian/`.
    public let root: URL
    /// Internal: the front doors (CLI, MCP) reach the catalog only through
    /// the workspace's methods, so both get one behaviour.
    let catalog: Catalog

    public var stateURL: URL { root.appendingPathComponent(Workspace.folderName) }
    public var outputURL: URL { Workspace.outputURL(root: root) }

    /// The output database of the workspace in `root`, without opening it or the catalog.
    public static func outputURL(root: URL) -> URL {
        root.appendingPathComponent(folderName).appendingPathComponent("output.sqlite")
    }

    private init(root: URL) throws {
        self.root = root
        self.catalog = try Catalog(url: root.appendingPathComponent(Workspace.folderName).appendingPathComponent("catalog.sqlite"))
    }

    /// Starts closing the catalog on a thread of its own and returns a wait
    /// for it: the last connection's checkpoint (two fsyncs) overlaps what
    /// the caller still does (printing a report). For a command about to
    /// end; the workspace cannot be used afterwards.
    public func closeInBackground() -> @Sendable () -> Void {
        let done = DispatchSemaphore(value: 0)
        let catalog = self.catalog
        let thread = Thread {
            try? catalog.close()  // if it fails, the connections close when released, as before
            done.signal()
        }
        thread.start()
        return { done.wait() }
    }

    /// Opens the workspace at `root`, creating `.casparian/` if it is missing.
    public static func create(at root: URL) throws -> Workspace {
        let state = root.appendingPathComponent(folderName)
        do {
            try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        } catch {
            throw CasparianError(
                .environment, "cannot create \(state.path): \(error.localizedDescription)",
                hint: "run from a folder you can write to, or pass --workspace DIR")
        }
        return try Workspace(root: root.standardizedFileURL)
    }

    /// The nearest enclosing folder that has `.casparian/`, or nil.
    public static func locate(from start: URL) -> URL? {
        var dir = start.standardizedFileURL
        while true {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(folderName).path, isDirectory: &isDir), isDir.boolValue {
                return dir
            }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// `explicit` if given, else the nearest enclosing workspace, else a new
    /// one in `start`.
    public static func open(explicit: URL?, from start: URL) throws -> Workspace {
        if let explicit { return try create(at: explicit) }
        return try create(at: locate(from: start) ?? start)
    }
}
