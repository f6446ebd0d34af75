import CasparianCore
import Catalog
import Foundation

/// One run — a backtest, an execute or a discovery — from its start (or
/// take-over of an interrupted job) to its end: the one lifecycle every
/// front door uses. The workspace opens it (`Workspace.openRun`), the work
/// publishes progress through it and runs under it (a cancel requested from
/// any process stops the work), and it ends exactly once: the first
/// `finish` or `fail` writes the run's final state, later ones do nothing.
/// A front door that needs the id before the work starts (the MCP server
/// answers with a `run_id` to poll) opens the run itself and hands it to
/// the workspace operation.
public final class WorkspaceRun: @unchecked Sendable {
    public let id: String
    public let kind: RunKind
    public let plugin: String
    public let scopeID: String?
    let catalog: Catalog
    let control: JobControl
    private let lock = NSLock()
    private var ended = false  // guarded by lock

    init(id: String, kind: RunKind, plugin: String, scopeID: String?, catalog: Catalog, interval: Duration = JobControl.defaultInterval) {
        self.id = id
        self.kind = kind
        self.plugin = plugin
        self.scopeID = scopeID
        self.catalog = catalog
        control = JobControl(catalog: catalog, runID: id, interval: interval)
    }

    /// Publishes where the run stands (throttled; `force` writes anyway).
    public func publish(_ progress: JobProgress, force: Bool = false) {
        control.publish(progress, force: force)
    }

    /// True once the run has recorded its end.
    public var hasEnded: Bool { lock.withLock { ended } }

    /// Runs `body` under this run: a cancel request (from this process or
    /// another) cancels it; an error ends the run as failed (cancelled for a
    /// cancellation) and is rethrown. The body ends the run itself with
    /// `finish` when it has a result to record.
    func perform<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await control.run(body)
        } catch {
            fail(error)
            throw error
        }
    }

    /// Records the run's end: its status and result; `summaryJSON` is what
    /// the next run of its kind needs of it, `progressJSON` its final
    /// progress. Only the first end is recorded.
    func finish(status: RunRecord.Status, resultJSON: String?, summaryJSON: String? = nil, progressJSON: String? = nil) throws {
        guard claimEnd() else { return }
        try catalog.finishRun(id: id, status: status, resultJSON: resultJSON, summaryJSON: summaryJSON, progressJSON: progressJSON)
    }

    /// Ends the run as failed with `error` (cancelled for a cancellation),
    /// unless it already ended.
    public func fail(_ error: Error) {
        guard claimEnd() else { return }
        try? catalog.finishRun(id: id, status: error is CancellationError ? .cancelled : .failed, resultJSON: Self.errorJSON(error))
    }

    /// Keeps what a front door answered for the run (the MCP tool's reply),
    /// for `get_run_status` and the run's resource.
    public func recordReply(_ json: String) {
        try? catalog.setRunReply(id: id, replyJSON: json)
    }

    private func claimEnd() -> Bool {
        lock.withLock {
            if ended { return false }
            ended = true
            return true
        }
    }

    /// The `result_json` of a run that ended with `error`.
    static func errorJSON(_ error: Error) -> String {
        let message = (error as? CasparianError)?.description ?? "\(error)"
        let data = try? JSONSerialization.data(withJSONObject: ["error": message], options: [.sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? #"{"error": "unprintable"}"#
    }
}

extension Workspace {
    /// Opens a run: takes over an interrupted job of the same kind, plugin
    /// and scope (and parser version, when given) if there is one, else
    /// records a new one, owned by this process.
    public func openRun(kind: RunKind, plugin: String, scopeID: String?, parserVersion: String?) throws -> WorkspaceRun {
        let id =
            try adoptInterruptedJob(kind: kind, plugin: plugin, parserVersion: parserVersion, scopeID: scopeID)
            ?? catalog.startRun(kind: kind, plugin: plugin, scopeID: scopeID, parserVersion: parserVersion)
        return WorkspaceRun(id: id, kind: kind, plugin: plugin, scopeID: scopeID, catalog: catalog)
    }

    /// A run this process already owns (one it claimed to resume).
    func ownedRun(id: String) throws -> WorkspaceRun {
        let record = try catalog.run(id: id)
        return WorkspaceRun(id: id, kind: record.kind, plugin: record.plugin, scopeID: record.scopeID, catalog: catalog)
    }
}
