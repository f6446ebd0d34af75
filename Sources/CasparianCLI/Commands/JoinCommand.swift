import ArgumentParser
import Backtest
import CLISupport
import CasparianCore
import Foundation
import Workspace

/// `--lease`: how long a node's claim on a file lasts without a heartbeat.
struct LeaseOption: ParsableArguments {
    @Option(
        name: .customLong("lease"),
        help: "Coordinated runs: seconds a node's claim on a file lasts without a heartbeat (a dead node's files come back after it).")
    var seconds = 60

    func validate() throws {
        guard (2...3600).contains(seconds) else { throw ValidationError("--lease takes 2 to 3600 seconds (got \(seconds))") }
    }
}

struct JoinCommand: AsyncParsableCommand, JSONErrorReporting {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Take part in a run that a PostgreSQL coordinator shares between machines.",
        discussion: """
            Another machine started the run with `casparian run PLUGIN --scope S --to postgresql://… \
            --coordinator URL`. This machine needs the same plugin folder (the same parser.py and \
            contract.json, under plugins/ or --plugins) and the files at the same paths (a shared \
            folder). It claims files a few at a time, parses them, writes each one to the run's \
            target in one transaction and records it; a node that dies loses its claims after \
            --lease seconds, and another node takes its files. The target's password, if any, comes \
            from PGPASSWORD or ~/.pgpass: the coordinator never keeps one.

            Examples:
              casparian join --coordinator postgresql://db.internal/casparian
              casparian join --coordinator postgresql://db.internal/casparian crun_3f2a… --jobs 8
            """)

    @Argument(help: "The run to join (default: the coordinator's one open run).")
    var runID: String?

    @Option(help: "The coordinator's PostgreSQL URL.")
    var coordinator: String

    @Option(name: .customLong("wait"), help: "Seconds to wait for the run to open (nodes started together with the one that creates it).")
    var waitSeconds = 0

    @Option(help: "The plugins directory (default: plugins/ beside .casparian/).")
    var plugins: String?

    @Flag(help: "Print a JSON report.")
    var json = false

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var lease: LeaseOption
    @OptionGroup var workers: PoolOptions
    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var python: PythonOptions

    func validate() throws {
        guard (0...3600).contains(waitSeconds) else { throw ValidationError("--wait takes 0 to 3600 seconds (got \(waitSeconds))") }
    }

    func run() async throws {
        let ws = try workspace.existing()
        let coordinated = CoordinatedOptions(coordinator: coordinator, leaseSeconds: lease.seconds, runID: runID, waitSeconds: waitSeconds)
        let (run, plugin) = try await ws.coordinatedRun(coordinated, pluginsDirectory: plugins.map { URL(fileURLWithPath: $0) })
        let pool = workers.pool(python.environment(pluginDirectory: plugin.url))
        defer { pool.shutdownForExit() }
        var options = ExecuteOptions()
        options.parallelism = workers.jobs
        let bar = ProgressReporter(label: "join \(run.id)", unit: "files", quiet: quiet || json)
        if run.kind == "backtest" {
            var backtest = BacktestOptions()
            backtest.parallelism = workers.jobs
            let result = try await ws.joinCoordinatedBacktest(
                run: run, plugin: plugin, pool: pool, options: backtest, coordinated: coordinated
            ) { p in bar.update(done: p.tested, total: p.total) }
            bar.finish()
            return try Self.print(result, json: json)
        }
        let result = try await ws.joinCoordinated(
            run: run, plugin: plugin, pool: pool, options: options, coordinated: coordinated, progress: bar.executeProgress)
        bar.finish()
        try Self.print(result, json: json)
    }

    /// A node's report: its part, then the whole run.
    static func print(_ result: CoordinatedReport, json: Bool) throws {
        let r = result.report
        if json {
            try Output.printJSON(result)
        } else {
            let mark = r.status == .done ? Style.green("✔") : Style.red("✘")
            Output.line(
                "\(mark) node \(result.node) \(result.created ? "started" : "joined") run \(Style.bold(result.runID)) of \(r.plugin) \(r.parserVersion) → \(r.target ?? "")"
            )
            Output.line(
                "  this node: \(r.filesOK) files written, \(r.filesFailed) failed; \(Formatting.count(r.rowsWritten)) rows in \(String(format: "%.1f", Double(r.durationMilliseconds) / 1000))s; coordinating took \(String(format: "%.2f", result.coordination.perFileMilliseconds)) ms a file (\(result.coordination.calls) calls)"
            )
            for f in r.failures.prefix(10) { Output.line("  \(Style.red("✘")) \(f.path): \(f.category): \(f.message.prefix(160))") }
            CoordinatedJobs.show(result.run)
        }
        if r.status != .done { throw ExitCode(1) }
    }
}

extension JoinCommand {
    /// A node's part of a shared backtest, then the whole run.
    static func print(_ result: CoordinatedBacktestReport, json: Bool) throws {
        let r = result.report
        if json {
            try Output.printJSON(result)
        } else {
            let mark = r.filesFailed == 0 ? Style.green("✔") : Style.red("✘")
            Output.line(
                "\(mark) node \(result.node) \(result.created ? "started" : "joined") backtest \(Style.bold(result.runID)) of \(r.plugin) \(r.parserVersion) (\(r.judgedBy ?? "contract"))"
            )
            Output.line(
                "  this node: \(r.filesPassed) files passed, \(r.filesFailed) failed in \(String(format: "%.1f", Double(r.durationMilliseconds) / 1000))s"
            )
            for c in r.clusters.prefix(5) {
                Output.line("  \(Style.red("✘")) \(c.files) files: \(c.category.rawValue): \(c.pattern.prefix(140))")
            }
            CoordinatedJobs.show(result.run)
        }
        if result.run.files["failed", default: 0] + result.run.files["dead", default: 0] > 0 || r.filesFailed > 0 { throw ExitCode(1) }
    }
}

extension ProgressReporter {
    /// Reports an execute's progress on this bar.
    var executeProgress: @Sendable (ExecuteProgress) -> Void {
        { p in self.update(done: p.filesDone, total: p.filesTotal, detail: "\(p.rowsWritten) rows, \(Int(p.rowsPerSecond)) rows/s") }
    }
}
