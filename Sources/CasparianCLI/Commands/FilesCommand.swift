import ArgumentParser
import Catalog
import CasparianCore
import Foundation
import Workspace

extension FileStatusFilter: ExpressibleByArgument {}

struct FilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files",
        abstract: "Files of the catalog with their tags and last result per plugin.",
        discussion: """
            Each file's last backtest or execute result per plugin: parser version, status (ok, \
            failed, quarantined), failure category, rows, and its failure count.
            Example: casparian files --scope sales --status failed --plugin sales_parser
            """)

    @Option(help: "Only files of this scope (name or id).") var scope: String?
    @Option(help: "Only files with this tag.") var tag: String?
    @Option(help: "Only files with this status: ok, failed, quarantined or untested.") var status: FileStatusFilter?
    @Option(help: "Only results of this plugin.") var plugin: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        try await CLIErrors.guarding {
            let files = try workspace.existing().files(scope: scope, tag: tag, status: status, plugin: plugin)
            if json { return try Output.printJSON(files) }
            guard !files.isEmpty else { return Output.line(Style.dim("no files match")) }
            var rows: [[String]] = []
            for f in files {
                let tags = f.tags.joined(separator: ",")
                guard !f.results.isEmpty else { rows.append([f.path, tags, "", "", Style.dim("untested"), "", ""]); continue }
                for (i, r) in f.results.enumerated() {
                    let status = r.status == .ok ? Style.green("ok") : (r.status == .failed ? Style.red("failed") : Style.yellow("quarantined"))
                    rows.append([i == 0 ? f.path : "", i == 0 ? tags : "", r.plugin, r.parserVersion ?? "", status,
                                 r.category ?? "", Formatting.count(r.rows) + (r.failureCount > 0 ? Style.dim("  \(r.failureCount) failures") : "")])
                }
            }
            Output.line(TableRenderer(headers: ["file", "tags", "plugin", "version", "status", "category", "rows"], rows: rows).render())
        }
    }
}
