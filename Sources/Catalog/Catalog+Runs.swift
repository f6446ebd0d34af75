import CasparianCore
import Foundation
import GRDB

/// A run (a job: backtest, execute or discovery) as the catalog records it.
public struct RunRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case queued, running, done, failed, cancelled
        /// Recorded as running, but the process that owned it is gone
        /// (computed when read; never stored).
        case interrupted
    }
    public var id: String
    public var kind: RunKind
    public var plugin: String
    public var scopeID: String?
    public var parserVersion: String?
    public var contractID: String?
    public var contractVersion: Int?
    public var iteration: Int?
    public var status: Status
    public var startedAt: String
    public var finishedAt: String?
    public var ownerPID: Int32?
    public var progressJSON: String?
    public var resultJSON: String?
    /// Someone asked for this run to stop (`casparian jobs cancel`).
    public var cancelRequested = false
    /// What the job runs, as the workspace wrote it (JSON), so another
    /// process can resume it; nil for runs recorded before job specs.
    public var specJSON: String?
    /// How many times a process took the job over after its owner died.
    public var resumes = 0
}

extension Catalog {
    /// Starts a run record (status `running`, owned by this process).
    public func startRun(
        kind: RunKind, plugin: String, scopeID: String?, parserVersion: String?, contractID: String? = nil,
        contractVersion: Int? = nil, iteration: Int? = nil, specJSON: String? = nil
    ) throws -> String {
        let id = Identifier.make("run")
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO runs(id, kind, plugin, scope_id, parser_version, contract_id, contract_version, iteration,
                                     status, started_at, owner_pid, spec_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)
                    """,
                arguments: [
                    id, kind.rawValue, plugin, scopeID, parserVersion, contractID, contractVersion, iteration,
                    Timestamp.now(), Int(getpid()), specJSON,
                ])
        }
        return id
    }

    /// Records what a run executes (when the record was started before the
    /// spec was known, as the MCP server does), and its contract.
    public func setRunSpec(id: String, specJSON: String, contractID: String?, contractVersion: Int?, iteration: Int? = nil) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE runs SET spec_json = ?, contract_id = COALESCE(?, contract_id),
                           contract_version = COALESCE(?, contract_version), iteration = COALESCE(?, iteration) WHERE id = ?
                    """, arguments: [specJSON, contractID, contractVersion, iteration, id])
        }
    }

    /// Jobs whose process died before they finished (newest first), of a
    /// kind, plugin and scope when given.
    public func interruptedRuns(kind: RunKind? = nil, plugin: String? = nil, scopeID: String? = nil) throws -> [RunRecord] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM runs WHERE status IN ('running', 'queued')
                      AND (? IS NULL OR kind = ?) AND (? IS NULL OR plugin = ?) AND (? IS NULL OR scope_id = ?)
                    ORDER BY started_at DESC, id DESC
                    """, arguments: [kind?.rawValue, kind?.rawValue, plugin, plugin, scopeID, scopeID]
            ).map(Self.runRecord)
        }.filter { $0.status == .interrupted }
    }

    /// Takes over an interrupted run for this process. Exactly one of several
    /// processes trying at once wins: the owner is swapped only while it is
    /// still the dead one. Throws when the run is not interrupted (any more).
    @discardableResult
    public func claimInterruptedRun(id: String) throws -> RunRecord {
        let record = try run(id: id)
        guard record.status == .interrupted else {
            throw CasparianError(
                .conflict, "job \(id) is \(record.status.rawValue), not interrupted, so there is nothing to resume",
                hint: record.status == .running
                    ? "it is running in process \(record.ownerPID ?? 0); follow it with `casparian jobs show \(id)`"
                    : "start a new job instead")
        }
        let claimed = try pool.write { db -> Bool in
            try db.execute(
                sql: """
                    UPDATE runs SET owner_pid = ?, status = 'running', resumes = resumes + 1, cancel_requested = 0
                    WHERE id = ? AND status IN ('running', 'queued') AND owner_pid IS ?
                    """, arguments: [Int(getpid()), id, record.ownerPID.map { Int($0) }])
            return db.changesCount == 1
        }
        guard claimed else {
            throw CasparianError(
                .conflict, "job \(id) was resumed by another process just now",
                hint: "follow it with `casparian jobs show \(id)`")
        }
        return try run(id: id)
    }

    public func updateRunProgress(id: String, progressJSON: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE runs SET progress_json = ? WHERE id = ?", arguments: [progressJSON, id])
        }
    }

    /// Ends a run with its result; `summaryJSON` is what the next run of
    /// its kind needs of it (a backtest's iteration history), read with
    /// `runSummary`; `progressJSON`, when given, is its final progress.
    public func finishRun(
        id: String, status: RunRecord.Status, resultJSON: String?, summaryJSON: String? = nil,
        progressJSON: String? = nil
    ) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE runs SET status = ?, finished_at = ?, result_json = ?, summary_json = ?,
                        progress_json = COALESCE(?, progress_json) WHERE id = ?
                    """, arguments: [status.rawValue, Timestamp.now(), resultJSON, summaryJSON, progressJSON, id])
        }
    }

    /// The summary a finished run stored (nil for runs stored without one).
    public func runSummary(id: String) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT summary_json FROM runs WHERE id = ?", arguments: [id]) }
    }

    public func run(id: String) throws -> RunRecord {
        guard let r = try pool.read({ db in try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) }) else {
            throw CasparianError(.notFound, "no run with id \(id)", hint: "list runs with `casparian jobs`")
        }
        return Self.runRecord(r)
    }

    /// The runs of a kind for a plugin and scope, oldest first. Without
    /// `withPayloads`, their result, progress and spec JSON are left out
    /// (nil): a workspace's history of full reports grows with every run,
    /// and most callers need only the records' status and versions.
    public func runs(kind: RunKind, plugin: String, scopeID: String?, withPayloads: Bool = true) throws -> [RunRecord] {
        let columns = withPayloads ? "*" : Self.recordColumns(progress: false)
        return try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(columns) FROM runs WHERE kind = ? AND plugin = ? AND scope_id IS ? ORDER BY started_at, id
                    """, arguments: [kind.rawValue, plugin, scopeID]
            ).map(Self.runRecord)
        }
    }

    /// A run's columns without its result and spec JSON (and without its
    /// progress unless asked): a history of full reports grows with every run.
    static func recordColumns(progress: Bool) -> String {
        "id, kind, plugin, scope_id, parser_version, contract_id, contract_version, iteration, status, started_at, finished_at, "
            + "owner_pid, cancel_requested, resumes, \(progress ? "progress_json" : "NULL AS progress_json"), NULL AS result_json, NULL AS spec_json"
    }

    static func runRecord(_ r: Row) -> RunRecord {
        var record = RunRecord(
            id: r["id"], kind: RunKind(rawValue: r["kind"]) ?? .backtest, plugin: r["plugin"], scopeID: r["scope_id"],
            parserVersion: r["parser_version"],
            contractID: r["contract_id"], contractVersion: r["contract_version"], iteration: r["iteration"],
            status: RunRecord.Status(rawValue: r["status"]) ?? .failed, startedAt: r["started_at"],
            finishedAt: r["finished_at"], ownerPID: r["owner_pid"], progressJSON: r["progress_json"],
            resultJSON: r["result_json"])
        record.cancelRequested = (r["cancel_requested"] as Int?) == 1
        record.specJSON = r["spec_json"]
        record.resumes = r["resumes"] ?? 0
        if record.status == .running || record.status == .queued, let pid = record.ownerPID, !processAlive(pid) {
            record.status = .interrupted
        }
        return record
    }

    /// Records per-file results of a run.
    public func recordRunFiles(runID: String, results: [RunFileRecord]) throws {
        let ids = try fileIDs(for: results.map(\.path))
        try pool.write { db in
            let s = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO run_files(run_id, file_id, status, category, message, rows, duration_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            for r in results {
                guard let id = ids[r.path] else { continue }
                try s.execute(arguments: [
                    runID, id, r.status.rawValue, r.category, r.message.map { String($0.prefix(2000)) }, r.rows,
                    r.durationMs,
                ])
            }
        }
    }
}
