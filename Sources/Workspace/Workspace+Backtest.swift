import Backtest
import Catalog
import CasparianCore
import Contracts
import Foundation
import Logging
import PluginHost

extension Workspace {
    /// Backtests `plugin` over the files of a scope against its latest
    /// contract (without one, a file passes when the plugin runs cleanly):
    /// files that failed before go first, verdicts go to the high-failure
    /// table, and the run is recorded in `runs` (kind `backtest`) with its
    /// per-file results, so the CLI and MCP see the same history.
    ///
    /// `runID` continues a run record the caller already started.
    public func backtest(plugin: PluginDirectory, scopeID: String, pool: WorkerPool, options: BacktestOptions = BacktestOptions(),
                         runID existingRunID: String? = nil, logger: Logger = Logger(label: "casparian.backtest"),
                         progress: @escaping @Sendable (BacktestProgress) -> Void = { _ in }) async throws -> BacktestReport {
        let contract = try? catalog.contract(plugin: plugin.name)
        let scope = try catalog.scopes().first { $0.id == scopeID }
        guard let scope else {
            throw CasparianError(.notFound, "no scope with id \(scopeID)", hint: "list scopes with `casparian scope list`")
        }
        let files = try catalog.scopeFiles(scopeID: scopeID).map(\.path).filter { contract?.excludes(file: $0) != true }
        let iteration = try backtestHistory(plugin: plugin.name, scopeID: scopeID).count + 1
        let runID = try existingRunID ?? catalog.startRun(kind: "backtest", plugin: plugin.name, scopeID: scopeID,
                                                          parserVersion: plugin.version, contractID: contract?.id,
                                                          contractVersion: contract?.version, iteration: iteration)
        let engine = BacktestEngine(pool: pool, store: CatalogHighFailureStore(catalog: catalog), options: options, logger: logger)
        let request = BacktestRequest(plugin: plugin, files: files, corpusRoot: scope.definition.root, scopeKey: scopeID,
                                      checker: try contract.map { try ContractChecker(contract: $0) },
                                      contractVersion: contract?.version, iteration: iteration)
        var report = try await engine.run(request, progress: progress)
        report.runID = runID
        try catalog.recordRunFiles(runID: runID, results: report.results.map {
            (path: $0.path, status: $0.status.rawValue, category: $0.category?.rawValue, message: $0.message, rows: $0.rows,
             durationMilliseconds: $0.durationMilliseconds)
        })
        let encoder = JSONEncoder()
        try catalog.finishRun(id: runID, status: report.status == .cancelled ? .cancelled : .done,
                              resultJSON: String(decoding: try encoder.encode(report), as: UTF8.self))
        return report
    }

    /// The finished backtests of a plugin over a scope, oldest first, as the
    /// iteration policy reads them (cancelled and unreadable runs left out).
    public func backtestHistory(plugin: String, scopeID: String) throws -> [IterationSummary] {
        let decoder = JSONDecoder()
        return try catalog.runs(kind: "backtest", plugin: plugin, scopeID: scopeID).compactMap { run in
            guard run.status == .done, let json = run.resultJSON else { return nil }
            return try? decoder.decode(IterationSummary.self, from: Data(json.utf8))
        }
    }
}
