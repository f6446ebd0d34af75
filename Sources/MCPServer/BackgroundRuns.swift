import CasparianCore
import Foundation
import Logging
import MCP
import Workspace

/// Long tool calls (discover, backtest, fix, execute) running in the
/// background: the workspace records each as a run (`WorkspaceRun`: its
/// progress, a cancel from any process, its end), and this keeps the task
/// and its outcome so a call can wait a while and `get_run_status` (or the
/// CLI) can follow the rest. It records only the tool's answer for the run.
public final class BackgroundRuns: @unchecked Sendable {
    /// How a run ended.
    public enum Outcome: Sendable {
        case finished(ToolReply)
        case failed(any Error)
    }

    /// Handed to the work: the run, and where to report progress to the caller.
    public struct Context: Sendable {
        public let run: WorkspaceRun
        let onProgress: @Sendable (Int, Int, String?) -> Void

        public var runID: String { run.id }
        public func progress(_ done: Int, of total: Int, _ message: String? = nil) { onProgress(done, total, message) }
    }

    private let logger: Logger
    private let lock = NSLock()
    private var tasks: [String: Task<Void, Never>] = [:]
    private var outcomes: [String: Outcome] = [:]
    private var waiters: [String: [UUID: CheckedContinuation<Outcome?, Never>]] = [:]

    init(logger: Logger) {
        self.logger = logger
    }

    /// Starts `work` for `run` (opened by the workspace) in the background.
    /// The work's workspace operation records the run's progress and end.
    public func start(
        _ run: WorkspaceRun, progress sink: ProgressSink,
        work: @escaping @Sendable (Context) async throws -> ToolReply
    ) -> String {
        let context = Context(run: run) { done, total, message in sink.report(done, of: total, message) }
        let task = Task.detached { [self] in
            let outcome: Outcome
            do {
                outcome = .finished(try await work(context))
            } catch {
                outcome = .failed(error)
            }
            self.finish(run, outcome)
        }
        lock.withLock { tasks[run.id] = task }
        return run.id
    }

    private func finish(_ run: WorkspaceRun, _ outcome: Outcome) {
        let id = run.id
        switch outcome {
        case .finished(let reply):
            run.recordReply(JSONValue.text(reply.structured))
        case .failed(let error):
            let message = (error as? CasparianError)?.description ?? "\(error)"
            if !(error is CancellationError) { logger.error("run \(id) failed: \(message)") }
            // An error before the workspace operation began (or after it ended) ends the run here.
            run.fail(error)
            run.recordReply(JSONValue.text(.object(["error": .string(message)])))
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
