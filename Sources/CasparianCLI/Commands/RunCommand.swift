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
            and written to the target (one table per output, lineage columns _cf_file, _cf_row, \
            _cf_parser_version, _cf_run). A file's rows land all or none; re-running replaces them; \
            unchanged files already written by this parser version to that target are skipped \
            (--force re-runs). Rows that violate the contract are quarantined; a file with more than \
            --quarantine-threshold of its rows in violation fails as a whole.

            Targets (--to):
              sqlite               .casparian/output.sqlite (the default; casparian query reads it)
              parquet:FOLDER       one dataset folder per table, one Parquet file per source file
              postgresql://URL     one transaction per source file, binary COPY; the schema from the
                                   URL's options=-csearch_path%3DNAME, --schema, else public; a
                                   password may come from PGPASSWORD or ~/.pgpass and is never kept

            Examples:
              casparian run sales --scope sales-2024
              casparian run sales --scope sales-2024 --to parquet:lake
              casparian run sales --scope sales-2024 --to postgresql://me@db.internal/analytics --schema sales
            """)

    @Argument(help: "The plugin (a folder under the plugins directory).")
    var plugin: String

    @Option(help: "The scope (name or id) whose files to run.")
    var scope: String

    @Option(name: .customLong("to"), help: "Where the tables go: sqlite (default), parquet:FOLDER or postgresql://… (see above).")
    var target = "sqlite"

    @Option(help: "PostgreSQL targets: the schema of the tables (default: the URL's search_path, else public).")
    var schema: String?

    @Flag(help: "Re-run every file, even unchanged ones.")
    var force = false

    @Option(
        help: ArgumentHelp(
            "A PostgreSQL URL that shares the run between machines.",
            discussion:
                "The run and one queue entry per file are kept there (schema casparian_coordinator); other machines take part with `casparian join --coordinator URL`. The target must be PostgreSQL."
        ))
    var coordinator: String?

    @OptionGroup var lease: LeaseOption

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
        options.target = try OutputTargetSpec(
            parsing: target, schema: schema, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        options.force = force
        options.quarantineThreshold = quarantineThreshold
        options.parallelism = workers.jobs
        let pool = workers.pool(python.environment(pluginDirectory: pluginDir.url))
        defer { pool.shutdownForExit() }
        let bar = ProgressReporter(label: "run \(plugin)", unit: "files", quiet: quiet || json)
        if let coordinator {
            let result = try await ws.executeCoordinated(
                plugin: pluginDir, scope: scoped, pool: pool, options: options,
                coordinated: CoordinatedOptions(coordinator: coordinator, leaseSeconds: lease.seconds), progress: bar.executeProgress)
            bar.finish()
            return try JoinCommand.print(result, json: json)
        }
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
                "\(mark) \(Style.bold(report.plugin)) \(report.parserVersion) → \(report.tables.joined(separator: ", ")) in \(report.target ?? "sqlite") (contract v\(report.contractVersion), run \(report.runID))"
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
            if report.filesOK > 0, let table = report.tables.first {
                Output.line(Style.dim("  next: \(Self.readHint(table: table, target: options.target))"))
            }
        }
        if report.status != .done { throw ExitCode(1) }
    }

    /// How to read a table of the target just written.
    static func readHint(table: String, target: OutputTargetSpec) -> String {
        switch target.kind {
        case .sqlite: return "casparian query \"SELECT count(*) FROM \(table)\""
        case .postgresql:
            return "casparian query \"SELECT count(*) FROM \(table)\" --target \(ShellWord.quoted(target.displayLocation))"
                + (target.schema.map { " --schema \($0)" } ?? "")
        case .parquet:
            return "duckdb -c \"SELECT count(*) FROM read_parquet('\(target.location)/\(table)/*.parquet', union_by_name = true)\""
        }
    }
}
