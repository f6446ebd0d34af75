import Backtest
import CasparianCore
import Catalog
import Contracts
import Foundation
import PluginHost

/// What one node found in a coordinated backtest, and where the run stands.
public struct CoordinatedBacktestReport: Sendable, Codable {
    public var runID: String
    public var node: String
    /// This node's files: their verdicts, clusters and pass rate.
    public var report: BacktestReport
    /// The whole run, across its nodes, as the coordinator has it when this node left.
    public var run: Coordinator.RunProgress
    public var created: Bool

    enum CodingKeys: String, CodingKey {
        case node, report, run, created
        case runID = "run_id"
    }
}

extension Workspace {
    /// Creates (or joins) the coordinated backtest of `plugin` over `scope`
    /// against its approved contract, then takes part in it as a node.
    ///
    /// A shared backtest runs every file (fail-fast is for one machine's
    /// fix loop: the files that failed before are no longer all on one
    /// node), and does not compare outputs with the previous version (each
    /// node would hold a part of the digests).
    public func backtestCoordinated(
        plugin: PluginDirectory, scope: StoredScope, pool: WorkerPool, options: BacktestOptions, coordinated: CoordinatedOptions,
        progress: @escaping @Sendable (BacktestProgress) -> Void = { _ in }
    ) async throws -> CoordinatedBacktestReport {
        let contract = try coordinatedContract(plugin)
        try recordParserVersion(plugin)
        let files = try runnableFiles(plugin: plugin, scope: scope, contract: contract)
        let coordinator = try Coordinator(url: coordinated.coordinator)
        defer { coordinator.close() }
        let (run, created) = try coordinator.openRun(
            kind: "backtest", plugin: plugin.name, parserVersion: plugin.version, contractVersion: contract.version,
            scope: "\(scope.definition.name) \(scope.definition.root)", root: scope.definition.root, target: nil, files: files,
            skipped: 0, leaseSeconds: coordinated.leaseSeconds, maxClaims: pool.limits.transientRetries + 1)
        return try await backtestPart(
            in: run, created: created, plugin: plugin, contract: contract, pool: pool, options: options, coordinated: coordinated,
            progress: progress)
    }

    /// Joins a coordinated backtest (from `coordinatedRun`) as a node.
    public func joinCoordinatedBacktest(
        run: Coordinator.Run, plugin: PluginDirectory, pool: WorkerPool, options: BacktestOptions, coordinated: CoordinatedOptions,
        progress: @escaping @Sendable (BacktestProgress) -> Void = { _ in }
    ) async throws -> CoordinatedBacktestReport {
        let contract = try sameVersions(run: run, plugin: plugin)
        try recordParserVersion(plugin)
        return try await backtestPart(
            in: run, created: false, plugin: plugin, contract: contract, pool: pool, options: options, coordinated: coordinated,
            progress: progress)
    }

    /// Claims files a batch at a time and backtests each batch, recording
    /// each file's verdict in the coordinator, until none is left, the run
    /// is cancelled, or the coordinator is lost.
    private func backtestPart(
        in run: Coordinator.Run, created: Bool, plugin: PluginDirectory, contract: SchemaContract, pool: WorkerPool,
        options: BacktestOptions, coordinated: CoordinatedOptions, progress: @escaping @Sendable (BacktestProgress) -> Void
    ) async throws -> CoordinatedBacktestReport {
        let lanes = options.parallelism ?? pool.size
        let node = try CoordinatedNode(run: run, coordinated: coordinated, lanes: lanes)
        let local = try openRun(kind: .backtest, plugin: plugin.name, scopeID: nil, parserVersion: plugin.version)
        var engineOptions = options
        engineOptions.failFast = false
        engineOptions.compareOutput = false
        engineOptions.shard = nil
        // The high-failure history is the coordinator's, shared by every node:
        // the run's files were queued in its order, and each batch adds to it.
        let engine = BacktestEngine(pool: pool, store: CoordinatorHighFailureStore(link: node.link), options: engineOptions)
        let checker = try ContractChecker(contract: contract)
        let started = ContinuousClock.now
        let source = node.files
        let results = try await node.part(local: local) { () async throws -> [FileResult] in
            var results: [FileResult] = []
            // Batches of a few lanes' worth: the lanes wait for a batch's
            // slowest file, and a node keeps no more files than it soon parses.
            while source.stopReason == nil {
                let batch = source.nextBatch(lanes * 4)
                if batch.isEmpty { break }
                let request = BacktestRequest(
                    plugin: plugin, files: batch, corpusRoot: run.root.isEmpty ? nil : run.root, scopeKey: run.scope,
                    checker: checker, contractVersion: contract.version)
                let done = results.count
                let passedBefore = results.filter { $0.status == .passed }.count
                let part = try await local.perform {
                    try await engine.run(request) { p in
                        progress(
                            BacktestProgress(
                                tested: done + p.tested, total: run.filesTotal, passed: passedBefore + p.passed,
                                failed: done - passedBefore + p.failed, lastFile: p.lastFile))
                    }
                }
                results += part.results
                for r in part.results {
                    source.fileEnded(Self.record(r), deadLettered: r.attempts != nil && r.status == .failed)
                }
                if part.status == .cancelled { break }
            }
            return results
        }
        let report = BacktestReport(
            plugin: plugin, results: results, contractVersion: contract.version, judgedBy: checker.judgedBy,
            corpusRoot: run.root.isEmpty ? nil : run.root, minPassRate: options.minPassRate, duration: ContinuousClock.now - started,
            cancelled: false)
        try catalog.recordRunFiles(runID: local.id, results: results.map(Self.record))
        try local.finish(status: report.status == .passed ? .done : .failed, resultJSON: try report.jsonText())
        let (whole, _) = try node.close(filesEnded: results.count)
        return CoordinatedBacktestReport(runID: run.id, node: node.name, report: report, run: whole, created: created)
    }

    /// A backtest verdict as the catalog and the coordinator record it.
    static func record(_ r: FileResult) -> RunFileRecord {
        RunFileRecord(
            path: r.path, status: r.status == .passed ? .passed : .failed, category: r.category?.rawValue, message: r.message, rows: r.rows,
            durationMs: r.durationMilliseconds)
    }
}

/// The high-failure history of backtests shared through a coordinator:
/// every node orders its batches by it and adds its verdicts to it, so a
/// file that failed on one machine goes first on any machine next time.
final class CoordinatorHighFailureStore: HighFailureStore {
    private let link: CoordinatorLink

    init(link: CoordinatorLink) { self.link = link }

    func history(plugin: String, scopeKey: String, paths: [String]) throws -> [String: FileHistory.State] {
        try link.locked { try $0.history(plugin: plugin, scope: scopeKey, paths: paths) }
    }

    func record(plugin: String, scopeKey: String, iteration: Int, parserVersion: String, results: [FileResult]) throws {
        try link.locked {
            try $0.recordHistory(plugin: plugin, scope: scopeKey, verdicts: results.map { ($0.path, $0.status == .failed) })
        }
    }
}
