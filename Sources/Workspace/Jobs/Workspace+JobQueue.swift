import Backtest
import CasparianCore
import Catalog
import Foundation

/// A resumed job's result.
public enum ResumedJob: Sendable {
    case backtest(WorkspaceBacktest)
    case execute(ExecuteReport)
}

extension Workspace {
    /// Takes over an interrupted job of the same kind, plugin and scope, so
    /// that starting the work again continues that job instead of leaving it
    /// behind. An interrupted job that cannot be continued — of another
    /// parser version (it would mix two parsers' results), or recorded
    /// without what it runs (a discovery) — is closed as superseded.
    /// Returns the job taken over, or nil.
    func adoptInterruptedJob(kind: RunKind, plugin: String, parserVersion: String?, scopeID: String?) throws -> String? {
        for job in try catalog.interruptedRuns(kind: kind, plugin: plugin, scopeID: scopeID) {
            if let parserVersion, job.parserVersion == parserVersion, job.specJSON != nil {
                if let claimed = try? catalog.claimInterruptedRun(id: job.id) { return claimed.id }
                continue
            }
            let why =
                job.specJSON == nil || parserVersion == nil
                ? "superseded: a new \(kind) of \(plugin) started; this one cannot be resumed"
                : "superseded: \(plugin) changed from \(job.parserVersion ?? "?") to \(parserVersion ?? "?") before the job was resumed"
            try catalog.finishRun(id: job.id, status: .cancelled, resultJSON: WorkspaceRun.errorJSON(CasparianError(.conflict, why)))
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
    public func resumeJob(
        id: String, backtestProgress: @escaping @Sendable (BacktestProgress) -> Void = { _ in },
        executeProgress: @escaping @Sendable (ExecuteProgress) -> Void = { _ in }
    ) async throws -> ResumedJob {
        let record = try catalog.run(id: id)
        guard record.status == .interrupted else {
            throw CasparianError(
                .conflict, "job \(id) is \(record.status.rawValue), not interrupted, so there is nothing to resume",
                hint: "`casparian jobs --failed` lists interrupted jobs")
        }
        if record.kind == .discover {
            throw CasparianError(
                .conflict, "job \(id) is a discovery, which starts over rather than resumes",
                hint:
                    "run the discovery again (`casparian discover …` or discover_schemas), and close this one with `casparian jobs cancel \(id)`"
            )
        }
        guard let text = record.specJSON, let spec = try? JSONDecoder().decode(JobSpec.self, from: Data(text.utf8)) else {
            throw CasparianError(
                .conflict, "job \(id) was recorded without what it runs (by an older casparian), so it cannot be resumed",
                hint: "start it again (`casparian run` or `casparian backtest`) and close this one with `casparian jobs cancel \(id)`")
        }
        let plugin = try self.plugin(named: spec.plugin, pluginsDirectory: URL(fileURLWithPath: spec.pluginsDirectory))
        guard plugin.version == spec.parserVersion else {
            throw CasparianError(
                .conflict,
                "the parser of \(spec.plugin) changed since job \(id) started (\(spec.parserVersion) → \(plugin.version)); resuming would mix two parsers' results",
                hint: "start a new job with the new parser and close this one: `casparian jobs cancel \(id)`")
        }
        let scope = try resolveScope(spec.scopeID)
        try catalog.claimInterruptedRun(id: id)
        let run = try ownedRun(id: id)
        let pool = spec.makePool()
        defer { pool.shutdown() }
        switch spec.kind {
        case .backtest:
            return .backtest(
                try await backtest(
                    plugin: plugin, scope: scope, pool: pool, options: spec.backtest ?? BacktestOptions(),
                    run: run, progress: backtestProgress))
        case .execute:
            return .execute(
                try await execute(
                    plugin: plugin, scope: scope, pool: pool, options: spec.execute ?? ExecuteOptions(),
                    run: run, progress: executeProgress))
        case .discover:
            throw CasparianError(.internal, "job \(id) is recorded as a resumable discovery, which does not exist")
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
