import ArgumentParser
import CLISupport
import CasparianCore
import Foundation
import Workspace

/// `PATH… TAG`, `--json` and `--workspace`, shared by `tag` and `untag`.
struct TagArguments: ParsableArguments {
    @Argument(help: "Files or folders (every catalog file under a folder), then the tag.")
    var arguments: [String] = []

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var workspace: WorkspaceOptions

    var paths: [String] { Array(arguments.dropLast()) }
    var tag: String { arguments.last ?? "" }

    func validate() throws {
        guard arguments.count >= 2 else {
            throw ValidationError("give one or more paths and then the tag, e.g. `casparian tag a.csv reviewed`")
        }
    }
}

struct TagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Tag files (usable in scopes as tag:NAME or --tag NAME).",
        discussion: """
            Each PATH is a file, or a folder (every catalog file under it). Refresh scopes that \
            filter by tags to apply the change.
            Example: casparian tag data/2024-01.csv data/2024-02.csv reviewed
            """)

    @OptionGroup var options: TagArguments

    func run() async throws {
        let report = try options.workspace.open().tag(paths: options.paths, tag: options.tag)
        if options.json { return try Output.printJSON(report) }
        Output.line(
            "tagged \(report.files) file\(report.files == 1 ? "" : "s") with \(Style.bold(report.tag))"
                + (report.files < report.paths.count ? Style.dim(" (\(report.paths.count - report.files) already had it)") : ""))
    }
}

struct UntagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "untag",
        abstract: "Remove a tag from files.",
        discussion: "Example: casparian untag data/2024-01.csv reviewed")

    @OptionGroup var options: TagArguments

    func run() async throws {
        let report = try options.workspace.existing().untag(paths: options.paths, tag: options.tag)
        if options.json { return try Output.printJSON(report) }
        Output.line("removed \(Style.bold(report.tag)) from \(report.files) file\(report.files == 1 ? "" : "s")")
    }
}
