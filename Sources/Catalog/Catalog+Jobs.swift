import CasparianCore
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One file's result in a run, as `jobs show` and `files` report it.
public struct RunFileRecord: Sendable, Equatable, Codable {
    public var path: String
    public var status: RunFileStatus
    public var category: String?
    public var message: String?
    public var rows: Int
    public var durationMs: Int

    public init(path: String, status: RunFileStatus, category: String? = nil, message: String? = nil, rows: Int, durationMs: Int) {
        self.path = path
        self.status = status
        self.category = category
        self.message = message
        self.rows = rows
        self.durationMs = durationMs
    }
}

extension Catalog {
    /// Runs, newest first, optionally only those whose (effective) status is
    /// in `statuses`. A `running` run whose owner process is gone reads as
    /// `interrupted`.
    public func jobs(statuses: Set<RunRecord.Status>? = nil, limit: Int = 200) throws -> [RunRecord] {
        // Without the runs' reports: a listing must not read every report
        // the workspace ever stored. The status is filtered here, once each
        // record's effective status is known.
        let all = try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.recordColumns(progress: true)) FROM runs ORDER BY started_at DESC, id DESC
                    """
            ).map(Self.runRecord)
        }
        return Array(all.filter { statuses?.contains($0.status) ?? true }.prefix(limit))
    }

    /// Asks the process running `id` to stop. Throws when the run already
    /// finished; a run whose owner died is marked cancelled at once.
    @discardableResult
    public func requestCancel(id: String) throws -> RunRecord {
        let record = try run(id: id)
        switch record.status {
        case .running, .queued:
            try pool.write { db in try db.execute(sql: "UPDATE runs SET cancel_requested = 1 WHERE id = ?", arguments: [id]) }
        case .interrupted:
            try pool.write { db in
                try db.execute(
                    sql: "UPDATE runs SET cancel_requested = 1, status = 'cancelled', finished_at = ? WHERE id = ?",
                    arguments: [Timestamp.now(), id])
            }
        case .done, .failed, .cancelled:
            throw CasparianError(
                .conflict, "run \(id) already finished (\(record.status.rawValue)) at \(record.finishedAt ?? "?")",
                hint: "only queued or running jobs can be cancelled; list them with `casparian jobs --running`")
        }
        return try run(id: id)
    }

    /// True once someone asked run `id` to stop.
    public func isCancelRequested(id: String) throws -> Bool {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT cancel_requested FROM runs WHERE id = ?", arguments: [id]) == 1
        }
    }

    /// Per-file results of a run, in path order.
    public func runFiles(runID: String) throws -> [RunFileRecord] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT f.path, rf.status, rf.category, rf.message, rf.rows, rf.duration_ms
                    FROM run_files rf JOIN files f ON f.id = rf.file_id WHERE rf.run_id = ? ORDER BY f.path
                    """, arguments: [runID]
            ).map {
                RunFileRecord(
                    path: $0["path"], status: RunFileStatus(rawValue: $0["status"]) ?? .failed, category: $0["category"],
                    message: $0["message"], rows: $0["rows"], durationMs: $0["duration_ms"])
            }
        }
    }

    /// Whether process `pid` exists on this machine (a zombie counts as gone).
    static func processAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0 && errno == ESRCH { return false }
        #if os(Linux)
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z"
            {
                return false
            }
        #endif
        return true
    }
}
