import Catalog
import CasparianCore
import Foundation
import Logging
import MCP
import Workspace

/// Long tool calls (backtest, fix, execute) as runs: each is recorded in the
/// catalog's `runs` table, reports progress there, and keeps going in the
/// background when the caller stops waiting, so `get_run_status` (and the
/// CLI) can follow it.
public final class BackgroundRuns: @unchecked Sendable {
    /// How a run ended.
    public enum Outcome: Sendable {
        case finished(ToolReply, status: RunRecord.Status)
        case failed(any Error)
    }

    /// Handed to the work: where it reports progress.
    public struct Context: Sendable {
        public let runID: String
        let onProgress: @Sendable (Int, Int, String?) -> Void

        public func progress(_ done: Int, of total: Int, _ message: String? = nil) { onProgress(done, total, message) }
    }

    private let catalog: Catalog
    private let logger: Logger
    private let lock = NSLock()
    private var tasks: [String: Task<Void, Never>] = [:]
    private var outcomes: [String: Outcome] = [:]
    private var waiters: [String: [UUID: CheckedContinuation<Outcome?, Never>]] = [:]

    init(catalog: Catalog, logger: Logger) {
        self.catalog = catalog
        self.logger = logger
    }

    /// Records a run and starts `work` in the background. `status` maps the
    /// work's reply to the run's final status (`done` unless it says otherwise).
    /// `adopted` is an interrupted job this run takes over (already claimed).
    public func start(kind: String, plugin: String, scopeID: String?, parserVersion: String?, adopted: String? = nil,
                      progress sink: ProgressSink,
                      work: @escaping @Sendable (Context) async throws -> (ToolReply, RunRecord.Status)) throws -> String {
        let id = try adopted ?? catalog.startRun(kind: kind, plugin: plugin, scopeID: scopeID, parserVersion: parserVersion)
        // JobControl: progress in the catalog (for `casparian jobs` too), and a
        // cancel requested from another process (`casparian jobs cancel`) stops the run.
        let control = JobControl(catalog: catalog, runID: id)
        let context = Context(runID: id) { done, total, message in
            sink.report(done, of: total, message)
            control.publish(JobProgress(filesDone: done, filesTotal: total, lastFile: message), force: done >= total)
        }
        let task = Task.detached { [self] in
            let outcome: Outcome
            do {
                let (reply, status) = try await control.run { try await work(context) }
                outcome = .finished(reply, status: Task.isCancelled ? .cancelled : status)
            } catch {
                outcome = .failed(error)
            }
            self.finish(id, outcome)
        }
        lock.withLock { tasks[id] = task }
        return id
    }

    private func finish(_ id: String, _ outcome: Outcome) {
        // The engine may have finished the record with its full report (result_json);
        // the tool's answer goes to reply_json either way.
        let open = (try? catalog.run(id: id).status).map { $0 == .running || $0 == .queued } ?? true
        switch outcome {
        case .finished(let reply, let status):
            let text = JSONValue.text(reply.structured)
            if open { try? catalog.finishRun(id: id, status: status, resultJSON: text) }
            try? catalog.setRunReply(id: id, replyJSON: text)
        case .failed(let error):
            let cancelled = error is CancellationError
            let message = (error as? CasparianError)?.description ?? "\(error)"
            if !cancelled { logger.error("run \(id) failed: \(message)") }
            let text = JSONValue.text(.object(["error": .string(message)]))
            if open || !cancelled { try? catalog.finishRun(id: id, status: cancelled ? .cancelled : .failed, resultJSON: text) }
            try? catalog.setRunReply(id: id, replyJSON: text)
        }
        let waiting = lock.withLock { () -> [CheckedContinuation<Outcome?, Never>] in
            outcomes[id] = outcome
            tasks[id] = nil
            return waiters.removeValue(forKey: id).map { Array($0.values) } ?? []
        }
        for w in waiting { w.resume(returning: outcome) }
    }

    /// The outcome when the run ends within `budget`, nil when it is still
    /// running. Cancelling the waiting task cancels the run (its workers are killed).
    public func wait(_ id: String, budget: Duration) async -> Outcome? {
        let token = UUID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Outcome?, Never>) in
                let done: Outcome? = lock.withLock {
                    if let o = outcomes[id] { return o }
                    waiters[id, default: [:]][token] = c
                    return nil
                }
                if let done { return c.resume(returning: done) }
                Task.detached { [self] in
                    try? await Task.sleep(for: budget)
                    let waiter = lock.withLock { waiters[id]?.removeValue(forKey: token) }
                    waiter?.resume(returning: nil)
                }
            }
        } onCancel: {
            _ = self.cancel(id)
        }
    }

    /// Cancels a running run; false when it is not running in this server.
    @discardableResult
    public func cancel(_ id: String) -> Bool {
        guard let task = lock.withLock({ tasks[id] }) else { return false }
        task.cancel()
        return true
    }

    /// True while the run executes in this process.
    public func isRunning(_ id: String) -> Bool { lock.withLock { tasks[id] != nil } }

    /// Cancels every run and waits until each has recorded its end.
    public func cancelAll() async {
        let all = lock.withLock { Array(tasks.values) }
        for t in all { t.cancel() }
        for t in all { await t.value }
    }
}
