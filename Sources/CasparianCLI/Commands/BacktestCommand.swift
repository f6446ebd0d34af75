import ArgumentParser
import Backtest
import CLISupport
import CasparianCore
import Foundation
import Workspace

struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Run plugins over a corpus against their contracts (known-bad files first).",
        discussion: """
            Workspace mode: `casparian backtest PLUGIN --scope NAME` tests one plugin of the \
            workspace over a scope and remembers every file's verdict (the high-failure table), so \
            the next backtest of a fixed parser starts with the files that failed.

            CI mode: every plugin in PLUGINS_DIR runs over the files of --corpus that its `pattern` \
            claims, against its contract.json, with no workspace (nothing is written but --junit). \
            Files that failed earlier in the run's history go first; when they still fail the \
            run stops early (--no-fail-fast runs everything).

            Without a contract, output must be consistent with proven types: those of the plugin's \
            latest discovery (workspace mode), else those the files that passed earlier in the run prove.

            Exit codes: 0 every plugin met --min-pass-rate, 1 one did not, 2 usage or configuration error.

            Example (one of four CI jobs):
              casparian backtest plugins/ --corpus data/ --shard 2/4 --junit backtest-2.xml
            """)

    @Argument(help: "CI mode: the folder holding plugin folders. Workspace mode (with --scope): the plugin's name.")
    var pluginsDir: String

    @Option(help: "CI mode: the folder of files to test.")
    var corpus: String?

    @Option(help: "Workspace mode: the scope (name or id) to test over.")
    var scope: String?

    @Option(help: "Workspace mode: the plugins directory (default: plugins/ beside .casparian/).")
    var plugins: String?

    @OptionGroup var workspace: WorkspaceOptions

    @Option(help: "Only this plugin (by name).")
    var plugin: String?

    @Option(name: .customLong("min-pass-rate"), help: "The share of files (0–1) that must pass.")
    var minPassRate: Double = 1.0

    @Option(help: "Write JUnit XML to this file.")
    var junit: String?

    @Option(help: "Run only shard K of N (K/N), split deterministically by path.")
    var shard: String?

    @Flag(
        name: .customLong("no-compare-output"),
        help: "Do not keep cell hashes of the output, nor say what changed against the previous parser version.")
    var noCompareOutput = false

    @Flag(name: .customLong("no-fail-fast"), help: "Test every file even when the known-bad ones still fail.")
    var noFailFast = false

    @Option(
        help: ArgumentHelp(
            "Workspace mode: a PostgreSQL URL that shares the backtest between machines.",
            discussion:
                "Other machines take part with `casparian join --coordinator URL`. A shared backtest checks against the approved contract, runs every file and does not compare outputs with the previous version."
        ))
    var coordinator: String?

    @OptionGroup var lease: LeaseOption

    @OptionGroup var workers: PoolOptions

    @Flag(help: "Print a JSON report.")
    var json = false

    @Flag(help: "No progress output.")
    var quiet = false

    @Flag(help: "Workspace mode: re-run on every save of the plugin's parser.py (Ctrl-C stops).")
    var watch = false

    @Option(
        name: .customLong("random-order"),
        help: ArgumentHelp("Visit files in a random order (seed) instead of known-bad first.", visibility: .hidden))
    var randomOrder: UInt64?

    @OptionGroup var python: PythonOptions

    func validate() throws {
        guard (0...1).contains(minPassRate) else {
            throw ValidationError("--min-pass-rate takes a number from 0 to 1 (got \(minPassRate))")
        }
    }

    func run() async throws {
        var options = BacktestOptions()
        options.failFast = !noFailFast
        options.compareOutput = !noCompareOutput
        options.minPassRate = minPassRate
        options.parallelism = workers.jobs
        options.shard = try shard.map { try Shard(parsing: $0) }
        options.randomOrderSeed = randomOrder
        if let scope {
            if corpus != nil {
                throw CasparianError(.usage, "pass either --scope (workspace mode) or --corpus (CI mode), not both")
            }
            if watch, coordinator != nil { throw CasparianError(.usage, "--watch and --coordinator do not go together: pick one") }
            guard watch else { return try await runInWorkspace(scope: scope, options: options) }
            return try await watchInWorkspace(scope: scope, options: options)
        }
        if coordinator != nil {
            throw CasparianError(
                .usage, "--coordinator works in workspace mode (backtest PLUGIN --scope NAME --coordinator URL)",
                hint: "CI splits a corpus with --shard K/N instead")
        }
        if watch {
            throw CasparianError(
                .usage, "--watch works in workspace mode (backtest PLUGIN --scope NAME)",
                hint: "CI runs once; drop --watch")
        }
        guard let corpus else {
            throw CasparianError(
                .usage, "backtest needs --corpus DIR (CI mode) or --scope NAME (workspace mode)",
                hint: "e.g. casparian backtest \(pluginsDir) --corpus data/, or casparian backtest PLUGIN --scope NAME")
        }
        let suite = CorpusBacktest(
            pluginsDirectory: URL(fileURLWithPath: pluginsDir), corpus: URL(fileURLWithPath: corpus),
            pluginName: plugin, options: options)
        let plans = try suite.plan()
        let pool = workers.pool(python.environment(pluginDirectory: plans.first?.plugin.url))
        defer { pool.shutdownForExit() }
        let bar = ProgressReporter(label: "backtest", unit: "files", quiet: quiet || json)
        let reports = try await suite.run(plans, pool: pool) { name, p in
            bar.update(done: p.tested, total: p.total, detail: name)
        }
        bar.finish()
        if let junit {
            do {
                try Data(JUnitReport.xml(for: reports, corpusRoot: suite.corpus.standardizedFileURL.path).utf8)
                    .write(to: URL(fileURLWithPath: junit), options: .atomic)
            } catch {
                throw CasparianError(
                    .usage, "cannot write JUnit report to \(junit): \(error.localizedDescription)",
                    hint: "check that its folder exists and is writable")
            }
        }
        let ok = reports.allSatisfy { $0.status == .passed }
        if json {
            try Output.printJSON(CIReport(passed: ok, minPassRate: minPassRate, shard: options.shard?.description, plugins: reports))
        } else {
            for (plan, report) in zip(plans, reports) {
                BacktestPrinter.print(report, excluded: plan.excluded, root: suite.corpus.standardizedFileURL.path)
            }
        }
        if !ok { throw ExitCode(1) }
    }
}

extension BacktestCommand {
    /// Backtests, then again after every save of parser.py: the files that
    /// failed go first each time, so a fix is judged within seconds.
    func watchInWorkspace(scope: String, options: BacktestOptions) async throws {
        let ws = try workspace.existing()
        let parser = try ws.plugin(reference: pluginsDir, pluginsDirectory: plugins.map { URL(fileURLWithPath: $0) }).parserURL
        func stamp() -> Date? { (try? FileManager.default.attributesOfItem(atPath: parser.path))?[.modificationDate] as? Date }
        var last = stamp()
        while !Task.isCancelled {
            do {
                try await runInWorkspace(scope: scope, options: options)
            } catch let code as ExitCode where code == ExitCode(1) {
                // A failing backtest is what watch mode is for: keep watching.
            }
            Output.error(Style.dim("watching \(parser.path) — save it to re-run, Ctrl-C to stop"))
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(300))
                let now = stamp()
                if now != last {
                    last = now
                    try await Task.sleep(for: .milliseconds(150))  // let the editor finish writing
                    break
                }
            }
        }
    }

    func runInWorkspace(scope: String, options: BacktestOptions) async throws {
        // A worker starts first: Python's start-up in it overlaps the catalog
        // opening and planning here, which fail-fast waits on. The engine
        // starts the others once it knows the run needs them.
        let root = try workspace.existingRoot()
        let plugin = try Workspace.plugin(
            reference: pluginsDir,
            in: plugins.map { URL(fileURLWithPath: $0) }
                ?? Workspace.defaultPluginsDirectory(root: root))
        let pool = workers.pool(python.environment(pluginDirectory: plugin.url))
        // One backtest and the process exits; --watch runs again and reaps its workers.
        defer { if watch { pool.shutdown() } else { pool.shutdownForExit() } }
        pool.prewarm(plugin: plugin, count: 1)
        let ws = try workspace.existing(root: root)
        let scoped = try ws.resolveScope(scope)
        let bar = ProgressReporter(label: "backtest \(plugin.name)", unit: "files", quiet: quiet || json)
        if let coordinator {
            let result = try await ws.backtestCoordinated(
                plugin: plugin, scope: scoped, pool: pool, options: options,
                coordinated: CoordinatedOptions(coordinator: coordinator, leaseSeconds: lease.seconds)
            ) { p in bar.update(done: p.tested, total: p.total) }
            bar.finish()
            return try JoinCommand.print(result, json: json)
        }
        var policy = IterationPolicy()
        policy.targetPassRate = minPassRate
        let result = try await ws.backtest(plugin: plugin, scope: scoped, pool: pool, options: options, policy: policy) { p in
            bar.update(done: p.tested, total: p.total)
        }
        bar.finish()
        // The catalog closes while the report prints.
        let closed = ws.closeInBackground()
        defer { closed() }
        if json {
            try Output.printJSON(result)
        } else {
            BacktestPrinter.print(result.report, excluded: 0, root: scoped.definition.root)
            var line = "  iteration \(result.report.iteration): \(result.verdict.rawValue.replacingOccurrences(of: "_", with: " "))"
            if !result.fixed.isEmpty { line += ", \(result.fixed.count) fixed" }
            if !result.stillFailing.isEmpty { line += ", \(result.stillFailing.count) still failing" }
            if !result.regressed.isEmpty { line += Style.red(", \(result.regressed.count) regressed") }
            Output.line(line)
            if result.report.status != .passed {
                Output.line(Style.dim("  next: fix plugins/\(plugin.name)/parser.py and run the same command: the failing files go first"))
            }
        }
        if result.report.status != .passed { throw ExitCode(1) }
    }
}

struct CIReport: Encodable {
    var passed: Bool
    var minPassRate: Double
    var shard: String?
    var plugins: [BacktestReport]
}

/// The human form of a backtest report.
enum BacktestPrinter {
    static func print(_ r: BacktestReport, excluded: Int, root: String?) {
        let mark = r.status == .passed ? Style.green("✔") : Style.red("✘")
        var head = "\(mark) \(Style.bold(r.plugin)) \(r.parserVersion)"
        let judge = "  judged by \(r.judgedBy ?? r.contractVersion.map { "contract v\($0)" } ?? "clean run")"
        head += r.contractVersion != nil ? judge : Style.yellow(judge)
        Output.line(head)
        var line = "  \(r.filesPassed)/\(r.filesTested) files passed (\(String(format: "%.1f", r.passRate * 100))%)"
        if r.filesSkipped > 0 { line += ", \(r.filesSkipped) not run" }
        if excluded > 0 { line += ", \(excluded) excluded by the contract" }
        line += " in \(String(format: "%.1f", Double(r.durationMilliseconds) / 1000))s"
        Output.line(line)
        if r.knownBadTested > 0 {
            Output.line("  files that failed before: \(r.knownBadPassed)/\(r.knownBadTested) pass now")
        }
        if let reason = r.stopReason, r.earlyStopped { Output.line(Style.yellow("  stopped early: ") + reason) }
        if let changes = r.changes { ChangesPrinter.print(changes, root: root, indent: "  ") }
        for c in r.clusters.prefix(5) {
            var t = "  • \(c.category.rawValue)"
            if let col = c.column { t += " [\(col)]" }
            t += ": \(c.files) file\(c.files == 1 ? "" : "s") — \(c.pattern.prefix(100))"
            Output.line(t)
            Output.line(Style.dim("    → ") + c.suggestion)
        }
        let worst = r.worstFiles.prefix(8)
        if !worst.isEmpty {
            Output.line("  worst files:")
            for f in worst {
                let name = FailureAnalysis.relative(f.path, root)
                Output.line("    \(name): \(f.category.map { "\($0.rawValue): " } ?? "")\((f.message ?? "").prefix(140))")
            }
        }
    }
}

/// What a parser version changed in the output, for people.
enum ChangesPrinter {
    static func print(_ c: OutputChanges, root: String?, indent: String, examples: Int = 5) {
        let mark = c.isEmpty ? Style.green("=") : Style.yellow("Δ")
        Output.line("\(indent)\(mark) output \(c.summary)")
        for e in c.examples.prefix(examples) {
            let file = FailureAnalysis.relative(e.file, root)
            Output.line(Style.dim("\(indent)    \(file) row \(e.row) \(e.column): \(e.old ?? "(absent)") → \(e.new ?? "(absent)")"))
        }
    }
}
