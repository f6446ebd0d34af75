import ArgumentParser
import CLISupport
import CasparianCore
import Catalog
import Foundation
import Workspace

extension FileStatusFilter: ExpressibleByArgument {}

struct FilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files",
        abstract: "Files of the catalog with their tags and last result per plugin.",
        discussion: """
            Each file's last backtest or execute result per plugin: parser version, status (ok, \
            failed, quarantined), failure category, rows, and its failure count. Files whose retries \
            ran out (the worker killed by the system, timeouts) are on the dead-letter list: \
            --status dead lists them with their history.
            Example: casparian files --scope sales --status failed --plugin sales_parser
            """)

    @Option(help: "Only files of this scope (name or id).") var scope: String?
    @Option(help: "Only files with this tag.") var tag: String?
    @Option(help: "Only files with this status: ok, failed, quarantined, untested or dead.") var status: FileStatusFilter?
    @Option(help: "Only results of this plugin.") var plugin: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        let files = try workspace.existing().files(scope: scope, tag: tag, status: status, plugin: plugin)
        if json { return try Output.printJSON(files) }
        guard !files.isEmpty else { return Output.line(Style.dim("no files match")) }
        var rows: [[String]] = []
        for f in files {
            let tags = f.tags.joined(separator: ",")
            guard !f.results.isEmpty || !f.deadLetters.isEmpty else {
                rows.append([f.path, tags, "", "", Style.dim("untested"), "", ""])
                continue
            }
            var first = true
            for r in f.results where status != .dead {
                let status = r.status == .ok ? Style.green("ok") : (r.status == .failed ? Style.red("failed") : Style.yellow("quarantined"))
                rows.append([
                    first ? f.path : "", first ? tags : "", r.plugin, r.parserVersion ?? "", status,
                    r.category ?? "", Formatting.count(r.rows) + (r.failureCount > 0 ? Style.dim("  \(r.failureCount) failures") : ""),
                ])
                first = false
            }
            for d in f.deadLetters {
                rows.append([
                    first ? f.path : "", first ? tags : "", d.plugin, d.parserVersion ?? "", Style.red("dead"), d.category,
                    Style.dim("\(d.attempts) attempts"),
                ])
                first = false
            }
        }
        Output.line(TableRenderer(headers: ["file", "tags", "plugin", "version", "status", "category", "rows"], rows: rows).render())
        guard status == .dead else { return }
        for f in files {
            for d in f.deadLetters {
                Output.line("")
                Output.line(Style.bold(f.path) + "  \(d.plugin) \(d.parserVersion ?? ""), \(d.kind) \(d.runID) at \(d.at)")
                for h in d.history { Output.line("  " + h.prefix(200)) }
            }
        }
        Output.line(Style.dim("\nfix the plugin (a new version tries them again) or `casparian run … --force` to retry"))
    }
}
