import Backtest
import CasparianCore
import Catalog
import Contracts
import Foundation
import PluginHost

/// A workspace backtest: the report, where the iteration loop stands, and
/// what changed against the files' history.
public struct WorkspaceBacktest: Codable, Sendable {
    public var report: BacktestReport
    public var scopeID: String
    public var verdict: IterationPolicy.Verdict
    public var iterations: [IterationSummary]
    /// Failed before, pass now.
    public var fixed: [String]
    /// Failed before, fail still.
    public var stillFailing: [String]
    /// Passed before, fail now.
    public var regressed: [String]
}

/// The part of a stored `WorkspaceBacktest` the next run needs (its run's
/// `summary_json`; runs stored before it have only the whole report).
private struct StoredIterations: Codable {
    var iterations: [IterationSummary]
}

extension Workspace {
    /// A scope by name or by id.
    public func resolveScope(_ nameOrID: String) throws -> StoredScope {
        if let s = try catalog.scopes().first(where: { $0.id == nameOrID || $0.definition.name == nameOrID }) { return s }
        let known = try catalog.scopes().map(\.definition.name)
        throw CasparianError(
            .notFound, "no scope named or with id \(nameOrID)",
            hint: known.isEmpty
                ? "create one with `casparian scope create NAME --root DIR`"
                : "scopes here: \(known.joined(separator: ", "))")
    }

    /// The scope of the plugin's latest backtest that had one (what a fix
    /// is re-tested on when no scope is named), or nil.
    public func lastBacktestScope(plugin: String) throws -> StoredScope? {
        guard let id = try catalog.latestScopedRun(kind: .backtest, plugin: plugin)?.scopeID else { return nil }
        return try resolveScope(id)
    }

    /// A plugin as a command line or a tool call names it: a plugin
    /// folder's path (a reference with a `/`, or a folder here that has a
    /// `parser.py`), else the name of a folder of `pluginsDirectory`. The
    /// one way every command finds a plugin.
    public static func plugin(reference: String, in pluginsDirectory: URL) throws -> PluginDirectory {
        let asPath = URL(fileURLWithPath: reference)
        if reference.contains("/") || FileManager.default.fileExists(atPath: asPath.appendingPathComponent("parser.py").path) {
            guard FileManager.default.fileExists(atPath: asPath.path) else {
                throw CasparianError(
                    .notFound, "no plugin folder at \(reference)",
                    hint: "pass a plugin folder (the one with parser.py) or the name of one in \(pluginsDirectory.path)")
            }
            return try PluginDirectory(url: asPath)
        }
        return try plugin(named: reference, in: pluginsDirectory)
    }

    /// A plugin by reference (see `plugin(reference:in:)`), in this workspace's plugins folder unless told another.
    public func plugin(reference: String, pluginsDirectory: URL? = nil) throws -> PluginDirectory {
        try Workspace.plugin(reference: reference, in: pluginsDirectory ?? defaultPluginsDirectory)
    }

    /// A plugin folder of the plugins directory.
    public func plugin(named name: String, pluginsDirectory: URL? = nil) throws -> PluginDirectory {
        try Workspace.plugin(named: name, in: pluginsDirectory ?? defaultPluginsDirectory)
    }

    /// A plugin folder of `pluginsDirectory`, found without opening the
    /// catalog (so a command can start its workers first).
    public static func plugin(named name: String, in pluginsDirectory: URL) throws -> PluginDirectory {
        try checkPluginName(name)
        let dir = pluginsDirectory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("parser.py").path) else {
            let known = (try? PluginDirectory.list(in: pluginsDirectory).map(\.name)) ?? []
            throw CasparianError(
                .notFound, "no plugin \(name) in \(pluginsDirectory.path)",
                hint: known.isEmpty ? "create it with `casparian new \(name)`" : "plugins there: \(known.joined(separator: ", "))")
        }
        return try PluginDirectory(url: dir)
    }

    /// The scope's files that `plugin` claims by its pattern (all of them without one).
    public func claimedFiles(plugin: PluginDirectory, scope: StoredScope) throws -> [String] {
        let files = try catalog.scopeFilePaths(scopeID: scope.id)
        guard let text = plugin.pattern else { return files }
        let pattern = try GlobPattern(text)
        let root = scope.definition.root.hasSuffix("/") ? scope.definition.root : scope.definition.root + "/"
        return files.filter { pattern.matches($0.hasPrefix(root) ? String($0.dropFirst(root.count)) : $0) }
    }

    /// The claimed files a run of `plugin` reads: those its contract's
    /// `excluded_files` name (by path, or relative to the scope's root) are left out.
    func runnableFiles(plugin: PluginDirectory, scope: StoredScope, contract: SchemaContract?) throws -> [String] {
        let files = try claimedFiles(plugin: plugin, scope: scope)
        guard let contract, !contract.excludedFiles.isEmpty else { return files }
        return files.filter { !contract.excludes(file: $0, root: scope.definition.root) }
    }

    /// The contract a plugin is bound by: its `contract.json` (what is
    /// reviewed in git) when present, else the catalog's latest; nil if none.
    public func boundContract(for plugin: PluginDirectory) throws -> SchemaContract? {
        if FileManager.default.fileExists(atPath: plugin.contractURL.path) { return try ContractFile.load(plugin.contractURL) }
        return try? catalog.contract(plugin: plugin.name)
    }

    /// What judges a backtest of `plugin`: its contract; without one, the
    /// types its latest discovery proved; without that, the types the
    /// passing files of the run prove.
    func checker(for plugin: PluginDirectory, contract: SchemaContract?) throws -> any OutputChecker {
        if let contract { return try ContractChecker(contract: contract) }
        guard let discovery = try catalog.latestDiscovery(plugin: plugin.name) else { return ProvenTypesChecker() }
        return ProvenTypesChecker(baseline: .discovery(id: discovery.id, result: discovery.result))
    }

    /// Backtests a plugin over a scope against its contract (or proven types), recording the
    /// run, the parser version and the high-failure table; each new parser
    /// version is a new iteration. `run` is the run to record it in (opened
    /// by the caller, or claimed to resume); without one, an interrupted
    /// backtest of the same plugin and scope is taken over, else one starts.
    public func backtest(
        plugin: PluginDirectory, scope: StoredScope, pool: WorkerPool, options: BacktestOptions = BacktestOptions(),
        policy: IterationPolicy = IterationPolicy(), run given: WorkspaceRun? = nil,
        progress: @escaping @Sendable (BacktestProgress) -> Void = { _ in }
    ) async throws -> WorkspaceBacktest {
        // One worker starts while the catalog is read; the engine starts the
        // others once it knows the run needs them (fail-fast may not).
        pool.prewarm(plugin: plugin, count: 1)
        let run = try given ?? openRun(kind: .backtest, plugin: plugin.name, scopeID: scope.id, parserVersion: plugin.version)
        do {
            let contract = try boundContract(for: plugin)
            try recordParserVersion(plugin)
            let previous = try catalog.runs(kind: .backtest, plugin: plugin.name, scopeID: scope.id, withPayloads: false)
                .filter { $0.id != run.id }
            let iteration =
                previous.last(where: { $0.parserVersion == plugin.version })?.iteration
                ?? (Set(previous.compactMap(\.parserVersion)).count + 1)
            try catalog.setRunSpec(
                id: run.id, specJSON: JobSpec(kind: .backtest, plugin: plugin, scopeID: scope.id, pool: pool, backtest: options).json,
                contractID: contract?.id, contractVersion: contract?.version, iteration: iteration)
            let engine = BacktestEngine(pool: pool, store: CatalogHighFailureStore(catalog: catalog), options: options)
            let request = BacktestRequest(
                plugin: plugin, files: try runnableFiles(plugin: plugin, scope: scope, contract: contract),
                corpusRoot: scope.definition.root,
                scopeKey: scope.id, checker: try checker(for: plugin, contract: contract),
                contractVersion: contract?.version, iteration: iteration, digests: digestStore)
            var report = try await run.perform {
                try await engine.run(request) { p in
                    run.publish(
                        JobProgress(filesDone: p.tested, filesTotal: p.total, passed: p.passed, failed: p.failed, lastFile: p.lastFile),
                        force: p.tested == p.total)
                    progress(p)
                }
            }
            report.runID = run.id
            // One summary per iteration (the latest run of each parser version):
            // the last finished run already holds the summaries up to it, so
            // only its summary is read, not every old report.
            var byIteration: [Int: IterationSummary] = [:]
            if let last = previous.last(where: { $0.status == .done || $0.status == .failed }),
                let json = try catalog.runSummary(id: last.id) ?? catalog.run(id: last.id).resultJSON,
                let old = try? JSONDecoder().decode(StoredIterations.self, from: Data(json.utf8))
            {
                for s in old.iterations { byIteration[s.iteration] = s }
            }
            byIteration[iteration] = IterationSummary(report)
            let iterations = byIteration.keys.sorted().map { byIteration[$0]! }
            let result = WorkspaceBacktest(
                report: report, scopeID: scope.id, verdict: policy.verdict(history: iterations, cancelled: report.status == .cancelled),
                iterations: iterations,
                fixed: report.results.filter { $0.prior == .failing && $0.status == .passed }.map(\.path),
                stillFailing: report.results.filter { $0.prior == .failing && $0.status == .failed }.map(\.path),
                regressed: report.results.filter { ($0.prior == .passing || $0.prior == .resolved) && $0.status == .failed }.map(\.path))
            try catalog.recordRunFiles(
                runID: run.id,
                results: report.results.map {
                    RunFileRecord(
                        path: $0.path, status: $0.status == .passed ? .passed : .failed, category: $0.category?.rawValue,
                        message: $0.message, rows: $0.rows, durationMs: $0.durationMilliseconds)
                })
            try recordDeadLetters(
                report.results.compactMap { r in
                    guard let attempts = r.attempts, r.status == .failed else { return nil }
                    return DeadLetter(
                        path: r.path, plugin: plugin, runID: run.id, kind: .backtest, category: r.category?.rawValue ?? "crash",
                        message: r.message ?? "", attempts: attempts, earlier: r.earlierAttempts ?? [])
                }, plugin: plugin.name, passed: report.results.filter { $0.status == .passed }.map(\.path))
            let status: RunRecord.Status = report.status == .cancelled ? .cancelled : (report.status == .passed ? .done : .failed)
            // The final progress: the throttled updates may have skipped it,
            // and a run that stopped early never reaches its total.
            let final = JobProgress(
                filesDone: report.filesTested, filesTotal: report.filesTested + report.filesSkipped,
                passed: report.filesPassed, failed: report.filesFailed)
            try run.finish(
                status: status, resultJSON: try result.jsonText(),
                summaryJSON: try StoredIterations(iterations: iterations).jsonText(), progressJSON: try final.jsonText())
            return result
        } catch {
            run.fail(error)
            throw error
        }
    }

    /// Runs the approved plugin over a scope into output tables. `run` as
    /// for `backtest`: without one, an interrupted execute of the same
    /// plugin and scope is taken over (files it wrote are kept and skipped).
    public func execute(
        plugin: PluginDirectory, scope: StoredScope, pool: WorkerPool, options: ExecuteOptions = ExecuteOptions(),
        run given: WorkspaceRun? = nil, progress: @escaping @Sendable (ExecuteProgress) -> Void = { _ in }
    ) async throws -> ExecuteReport {
        guard let contract = try boundContract(for: plugin) else {
            let error = CasparianError(
                .conflict, "plugin \(plugin.name) has no approved contract, so its output has no table types",
                hint: "discover and approve first: `casparian discover …` then `casparian approve DISCOVERY_ID --plugin \(plugin.name)`")
            given?.fail(error)
            throw error
        }
        pool.prewarm(plugin: plugin, count: options.parallelism ?? pool.size)
        let run = try given ?? openRun(kind: .execute, plugin: plugin.name, scopeID: scope.id, parserVersion: plugin.version)
        do {
            try recordParserVersion(plugin)
            let files = try runnableFiles(plugin: plugin, scope: scope, contract: contract)
            try catalog.setRunSpec(
                id: run.id, specJSON: JobSpec(kind: .execute, plugin: plugin, scopeID: scope.id, pool: pool, execute: options).json,
                contractID: contract.id, contractVersion: contract.version)
            let executor = Executor(workspace: self, pool: pool)
            let report = try await run.perform {
                try await executor.run(plugin: plugin, contract: contract, files: files, options: options, run: run) { p in
                    run.publish(
                        JobProgress(filesDone: p.filesDone, filesTotal: p.filesTotal, rowsWritten: p.rowsWritten),
                        force: p.filesDone == p.filesTotal)
                    progress(p)
                }
            }
            let status: RunRecord.Status = report.status == .cancelled ? .cancelled : (report.status == .done ? .done : .failed)
            try run.finish(status: status, resultJSON: try report.jsonText())
            return report
        } catch {
            run.fail(error)
            throw error
        }
    }

    /// Refuses a parser source with no `def parse` (a fragment, or the wrong
    /// file), before it replaces a working parser.
    public static func checkParserSource(_ source: String) throws {
        guard source.contains("def parse") else {
            throw CasparianError(
                .usage, "the parser source has no `def parse`",
                hint: "send the whole parser.py, with a parse(path, ctx) (or parse(path)) function that yields rows")
        }
    }

    /// Replaces a plugin's `parser.py` with `source` atomically (creating the
    /// plugin), keeping every version's source in the catalog.
    @discardableResult
    public func writeParser(plugin name: String, source: String, pluginsDirectory: URL? = nil) throws -> PluginDirectory {
        try Workspace.checkPluginName(name)
        let dir = (pluginsDirectory ?? defaultPluginsDirectory).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let parser = dir.appendingPathComponent("parser.py")
        if FileManager.default.fileExists(atPath: parser.path) { try recordParserVersion(try PluginDirectory(url: dir)) }
        try Data(source.utf8).write(to: parser, options: .atomic)
        let plugin = try PluginDirectory(url: dir)
        try recordParserVersion(plugin)
        return plugin
    }

    /// Keeps the source of the plugin's current version in the catalog.
    public func recordParserVersion(_ plugin: PluginDirectory) throws {
        let source = (try? String(contentsOf: plugin.parserURL, encoding: .utf8)) ?? ""
        try catalog.recordParserVersion(plugin: plugin.name, version: plugin.version, sourceHash: plugin.sourceHash, source: source)
    }
}

extension Workspace {
    /// What version `to` of a plugin changed in the output against `from`,
    /// over the files both backtested (default: the two newest backtested
    /// versions). A version may be given by a unique prefix.
    public func outputChanges(plugin: PluginDirectory, from: String?, to: String?, pool: WorkerPool) async throws -> OutputChanges {
        let versions = digestStore.versions(plugin: plugin.name)
        func resolve(_ given: String, _ what: String) throws -> String {
            let matches = versions.filter { $0.hasPrefix(given) }
            guard matches.count == 1 else {
                throw CasparianError(
                    .notFound,
                    matches.isEmpty
                        ? "\(plugin.name) has no backtested version \(given) (\(what))"
                        : "\(given) names \(matches.count) versions of \(plugin.name) (\(what)); give more of it",
                    hint: "backtested versions, newest first: \(versions.prefix(8).joined(separator: ", "))")
            }
            return matches[0]
        }
        let newer = try to.map { try resolve($0, "--to") } ?? versions.first
        let older = try from.map { try resolve($0, "--from") } ?? newer.flatMap { n in versions.first { $0 != n } }
        guard let newer, let older, newer != older else {
            throw CasparianError(
                .notFound,
                "there are no two backtested versions of \(plugin.name) to compare (backtested: \(versions.isEmpty ? "none" : versions.joined(separator: ", ")))",
                hint:
                    "backtest the plugin, change its parser.py, and backtest again: each backtest keeps what its version made of each file")
        }
        return try await OutputChanges.compare(store: digestStore, plugin: plugin, from: older, to: newer, pool: pool)
    }

    /// `.casparian/digests`: what each backtested parser version made of each file.
    var digestStore: OutputDigestStore {
        OutputDigestStore(folder: stateURL.appendingPathComponent("digests"), catalog: catalog)
    }
}
