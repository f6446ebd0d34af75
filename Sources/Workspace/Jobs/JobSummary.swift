import Catalog
import Foundation

/// A job (a backtest, execute or discovery run) as `casparian jobs` and MCP show it.
public struct JobSummary: Codable, Sendable {
    public var id: String
    public var kind: RunKind
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
        case scopeID = "scope_id"
        case parserVersion = "parser_version"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case ownerPID = "owner_pid"
        case cancelRequested = "cancel_requested"
    }
}

/// A job and what it recorded (`Workspace.jobDetail`).
public struct JobDetail: Sendable {
    public var summary: JobSummary
    /// The run's result as the workspace stored it (JSON), when it ended.
    public var resultJSON: String?
    /// What a front door (the MCP server) answered for it (JSON).
    public var replyJSON: String?
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

    /// One job with what it recorded: its result (the full report, or the
    /// error it ended with) and what a front door answered for it.
    public func jobDetail(id: String) throws -> JobDetail {
        let record = try catalog.run(id: id)
        return JobDetail(summary: JobSummary(record), resultJSON: record.resultJSON, replyJSON: try catalog.runReply(id: id))
    }

    /// The newest jobs with their results (for listings such as MCP resources).
    public func recentJobs(limit: Int) throws -> [JobSummary] {
        try catalog.recentRuns(limit: limit).map { JobSummary($0) }
    }

    /// Asks a job to stop: the process running it (this one or another)
    /// notices within a fraction of a second and records it `cancelled`.
    public func cancelJob(id: String) throws -> JobSummary {
        JobSummary(try catalog.requestCancel(id: id))
    }
}
