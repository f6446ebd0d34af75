import Backtest
import Catalog
import CasparianCore
import Foundation

/// A resumed job's result.
public enum ResumedJob: Sendable {
    case backtest(WorkspaceBacktest)
    case execute(ExecuteReport)
}

extension Workspace {
    /// Takes over an interrupted job of the same kind, plugin and scope, so
    /// that starting the work again continues that job instead of leaving it
    /// behind. An interrupted job of another parser version cannot be
    /// continued (it would mix two parsers' results) and is closed as
    /// superseded. Returns the job taken over, or nil.
    public func adoptInterruptedJob(kind: JobSpec.Kind, plugin: PluginDirectory, scopeID: String) throws -> String? {
        for job in try catalog.interruptedRuns(kind: kind.rawValue, plugin: plugin.name, scopeID: scopeID) {
            if job.parserVersion == plugin.version, job.specJSON != nil {
                if let claimed = try? catalog.claimInterruptedRun(id: job.id) { return claimed.id }
            } else {
                try catalog.finishRun(id: job.id, status: .cancelled, resultJSON: Self.errorJSON(CasparianError(
                    .conflict, "superseded: \(plugin.name) changed from \(job.parserVersion ?? "?") to \(plugin.version) before the job was resumed")))
            }
        }
        return nil
    }

    /// The jobs a `casparian jobs resume` would take over: interrupted, with
    /// a spec to run, newest first.
    public func resumableJobs() throws -> [JobSummary] {
        try catalog.interruptedRuns().filter { $0.specJSON != nil }.map { JobSummary($0) }
    }

    /// Resumes an interrupted job in this process, on a pool like the one
    /// it ran on. An execute continues where it stopped (files written
    /// before the interruption are kept and skipped); a backtest runs again.
    public func resumeJob(id: String, backtestProgress: @escaping @Sendable (BacktestProgress) -> Void = { _ in },
                          executeProgress: @escaping @Sendable (ExecuteProgress) -> Void = { _ in }) async throws -> ResumedJob {
        let record = try catalog.run(id: id)
        guard record.status == .interrupted else {
            throw CasparianError(.conflict, "job \(id) is \(record.status.rawValue), not interrupted, so there is nothing to resume",
                                 hint: "`casparian jobs --failed` lists interrupted jobs")
        }
        guard let text = record.specJSON, let spec = try? JSONDecoder().decode(JobSpec.self, from: Data(text.utf8)) else {
            throw CasparianError(.conflict, "job \(id) was recorded without what it runs (by an older casparian), so it cannot be resumed",
                                 hint: "start it again (`casparian run` or `casparian backtest`) and close this one with `casparian jobs cancel \(id)`")
        }
        let plugin = try self.plugin(named: spec.plugin, pluginsDirectory: URL(fileURLWithPath: spec.pluginsDirectory))
        guard plugin.version == spec.parserVersion else {
            throw CasparianError(.conflict, "the parser of \(spec.plugin) changed since job \(id) started (\(spec.parserVersion) → \(plugin.version)); resuming would mix two parsers' results",
                                 hint: "start a new job with the new parser and close this one: `casparian jobs cancel \(id)`")
        }
        let scope = try resolveScope(spec.scopeID)
        try catalog.claimInterruptedRun(id: id)
        let pool = spec.makePool()
        defer { pool.shutdown() }
        switch spec.kind {
        case .backtest:
            return .backtest(try await backtest(plugin: plugin, scope: scope, pool: pool, options: spec.backtest ?? BacktestOptions(),
                                                runID: id, progress: backtestProgress))
        case .execute:
            return .execute(try await execute(plugin: plugin, scope: scope, pool: pool, options: spec.execute ?? ExecuteOptions(),
                                              runID: id, progress: executeProgress))
        }
    }

    /// Puts files whose retries ran out on the dead-letter list, with their
    /// earlier failures under the plugin as history, and takes the files
    /// that passed off it.
    func recordDeadLetters(_ letters: [DeadLetter], plugin: String, passed: [String]) throws {
        let withHistory = try letters.map { l -> DeadLetter in
            var l = l
            l.history = try catalog.failureHistoryLines(plugin: plugin, path: l.path) + l.history
            return l
        }
        try catalog.recordDeadLetters(withHistory)
        try catalog.clearDeadLetters(plugin: plugin, paths: passed)
    }

    /// The dead-letter list (one plugin's, when given).
    public func deadLetters(plugin: String? = nil) throws -> [DeadLetter] {
        try catalog.deadLetters(plugin: plugin)
    }
}
