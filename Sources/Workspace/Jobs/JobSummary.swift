import Catalog
import Foundation

/// A job (a backtest or execute run) as `casparian jobs` and MCP show it.
public struct JobSummary: Codable, Sendable {
    public var id: String
    public var kind: String
    public var plugin: String
    public var scopeID: String?
    public var parserVersion: String?
    /// `running`, `done`, `failed`, `cancelled`, or `interrupted` (its
    /// process died before finishing).
    public var status: RunRecord.Status
    public var startedAt: String
    public var finishedAt: String?
    /// Seconds from start to finish (to now while running).
    public var seconds: Double?
    public var ownerPID: Int32?
    public var cancelRequested: Bool
    /// How many times another process took the job over after its owner died.
    public var resumes: Int
    public var progress: JobProgress?
    /// Per-file results (`jobs show` only; recorded when the run finishes).
    public var files: [RunFileRecord]?

    init(_ r: RunRecord, files: [RunFileRecord]? = nil) {
        id = r.id
        kind = r.kind
        plugin = r.plugin
        scopeID = r.scopeID
        parserVersion = r.parserVersion
        status = r.status
        startedAt = r.startedAt
        finishedAt = r.finishedAt
        let start = Timestamp.parse(r.startedAt)
        let end = r.finishedAt.flatMap(Timestamp.parse) ?? (r.status == .running ? Date() : nil)
        if let start, let end { seconds = (end.timeIntervalSince(start) * 1000).rounded() / 1000 }
        ownerPID = r.ownerPID
        cancelRequested = r.cancelRequested
        resumes = r.resumes
        progress = r.progressJSON.flatMap { try? JSONDecoder().decode(JobProgress.self, from: Data($0.utf8)) }
        self.files = files
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, plugin, status, seconds, progress, files, resumes
        case scopeID = "scope_id", parserVersion = "parser_version", startedAt = "started_at", finishedAt = "finished_at"
        case ownerPID = "owner_pid", cancelRequested = "cancel_requested"
    }
}

extension Workspace {
    /// Jobs, newest first; only those with a status in `statuses` when given.
    public func jobs(statuses: Set<RunRecord.Status>? = nil, limit: Int = 200) throws -> [JobSummary] {
        try catalog.jobs(statuses: statuses, limit: limit).map { JobSummary($0) }
    }

    /// One job with its per-file results.
    public func job(id: String) throws -> JobSummary {
        JobSummary(try catalog.run(id: id), files: try catalog.runFiles(runID: id))
    }

    /// Asks a job to stop: the process running it (this one or another)
    /// notices within a fraction of a second and records it `cancelled`.
    public func cancelJob(id: String) throws -> JobSummary {
        JobSummary(try catalog.requestCancel(id: id))
    }
}
