import ArgumentParser
import CLISupport
import CasparianCore
import Foundation
import Workspace

struct RunCommand: AsyncParsableCommand, JSONErrorReporting {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Execute an approved plugin over a scope into output tables.",
        discussion: """
            Every file the plugin claims in the scope is parsed, checked against the plugin's contract \
            and written to .casparian/output.sqlite (one table per output, lineage columns _cf_file, \
            _cf_row, _cf_parser_version, _cf_run). A file's rows land all or none; re-running replaces \
            them; unchanged files already written by this parser version are skipped (--force re-runs).
            Rows that violate the contract go to the _cf_quarantine table; a file with more than \
            --quarantine-threshold of its rows in violation fails as a whole.

            Example: casparian run sales --scope sales-2024
            """)

    @Argument(help: "The plugin (a folder under the plugins directory).")
    var plugin: String

    @Option(help: "The scope (name or id) whose files to run.")
    var scope: String

    @Flag(help: "Re-run every file, even unchanged ones.")
    var force = false

    @Option(name: .customLong("quarantine-threshold"), help: "Share of a file's rows (0–1) that may be quarantined before the file fails.")
    var quarantineThreshold: Double = 0.05

    @Option(help: "The plugins directory (default: plugins/ beside .casparian/).")
    var plugins: String?

    @Flag(help: "Print a JSON report.")
    var json = false

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var workers: PoolOptions
    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var python: PythonOptions

    func validate() throws {
        guard (0...1).contains(quarantineThreshold) else { throw ValidationError("--quarantine-threshold takes a number from 0 to 1") }
    }

    func run() async throws {
        let ws = try workspace.existing()
        let pluginDir = try ws.plugin(reference: plugin, pluginsDirectory: plugins.map { URL(fileURLWithPath: $0) })
        let scoped = try ws.resolveScope(scope)
        var options = ExecuteOptions()
        options.force = force
        options.quarantineThreshold = quarantineThreshold
        options.parallelism = workers.jobs
        let pool = workers.pool(python.environment(pluginDirectory: pluginDir.url))
        defer { pool.shutdownForExit() }
        let bar = ProgressReporter(label: "run \(plugin)", unit: "files", quiet: quiet || json)
        let report = try await ws.execute(plugin: pluginDir, scope: scoped, pool: pool, options: options) { p in
            bar.update(
                done: p.filesDone, total: p.filesTotal,
                detail: "\(p.rowsWritten) rows, \(Int(p.rowsPerSecond)) rows/s")
        }
        bar.finish()
        if json {
            try Output.printJSON(report)
        } else {
            let mark = report.status == .done ? Style.green("✔") : Style.red("✘")
            Output.line(
                "\(mark) \(Style.bold(report.plugin)) \(report.parserVersion) → \(report.tables.joined(separator: ", ")) (contract v\(report.contractVersion), run \(report.runID))"
            )
            if let job = try? ws.job(id: report.runID), job.resumes > 0 {
                Output.line(Style.dim("  resumed job \(report.runID), interrupted when its process died; files it had written were kept"))
            }
            var line = "  \(report.filesOK) files written, \(report.filesFailed) failed"
            if report.filesSkipped > 0 { line += ", \(report.filesSkipped) unchanged (skipped; --force re-runs them)" }
            if report.filesDeadLettered > 0 {
                line += Style.red(", \(report.filesDeadLettered) dead-lettered (not tried; --force tries them)")
            }
            line += "; \(report.rowsWritten) rows in \(String(format: "%.1f", Double(report.durationMilliseconds) / 1000))s"
            if report.rowsQuarantined > 0 { line += ", \(report.rowsQuarantined) values quarantined" }
            Output.line(line)
            for f in report.failures.prefix(10) {
                Output.line("  \(Style.red("✘")) \(f.path): \(f.category): \(f.message.prefix(160))")
            }
            if report.filesDeadLettered > 0 || !report.deadLettered.isEmpty {
                Output.line(Style.dim("  dead letters (retries ran out): casparian files --status dead --plugin \(report.plugin)"))
            }
            if report.filesOK > 0 {
                Output.line(Style.dim("  next: casparian query \"SELECT count(*) FROM \(report.tables.first ?? plugin)\""))
            }
        }
        if report.status != .done { throw ExitCode(1) }
    }
}
