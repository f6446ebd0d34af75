import Foundation
import GRDB

/// What a backtest's order needs of a file's entry in the high-failure
/// table (which also keeps its first and last failure and last test times,
/// and the failure history).
public struct HighFailureEntry: Sendable, Equatable {
    public var path: String
    public var failureCount: Int
    public var consecutiveFailures: Int
    /// Failed at least once before and passes now.
    public var resolved: Bool
}

/// One file's verdict to record.
public struct FileVerdictRecord: Sendable {
    public var path: String
    public var failed: Bool
    public var category: String?
    public var message: String?
    public init(path: String, failed: Bool, category: String?, message: String?) {
        self.path = path
        self.failed = failed
        self.category = category
        self.message = message
    }
}

/// One entry of a file's failure history.
public struct FailureHistoryEntry: Sendable, Equatable {
    public var iteration: Int?
    public var parserVersion: String?
    public var category: String
    public var message: String
    public var at: String
    public var resolved: Bool
    public var resolvedBy: String?
}

extension Catalog {
    /// The high-failure entries of a plugin and scope by path (files never
    /// tested are absent). Every entry of the scope is returned: callers
    /// look up the paths they need, which costs less than filtering here.
    public func highFailures(plugin: String, scopeKey: String) throws -> [String: HighFailureEntry] {
        try pool.read { db in
            var out: [String: HighFailureEntry] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT f.path, h.failure_count, h.consecutive_failures
                    FROM high_failures h JOIN files f ON f.id = h.file_id
                    WHERE h.plugin = ? AND h.scope_key = ?
                    """, arguments: [plugin, scopeKey])
            // Columns by position: one entry per tested file, so name lookups add up.
            while let r = try rows.next() {
                let path: String = r[0]
                let count: Int = r[1]
                let consecutive: Int = r[2]
                out[path] = HighFailureEntry(
                    path: path, failureCount: count, consecutiveFailures: consecutive,
                    resolved: count > 0 && consecutive == 0)
            }
            return out
        }
    }

    /// Records verdicts: a failure adds to the counts and to the history; a
    /// pass resets consecutive failures and marks open history resolved by
    /// `parserVersion`. One transaction.
    public func recordVerdicts(
        plugin: String, scopeKey: String, iteration: Int?, parserVersion: String,
        verdicts: [FileVerdictRecord]
    ) throws {
        let ids = try fileIDs(for: verdicts.map(\.path))
        let now = Timestamp.now()
        try pool.write { db in
            let upsertFail = try db.cachedStatement(
                sql: """
                    INSERT INTO high_failures(plugin, scope_key, file_id, failure_count, consecutive_failures,
                                              first_failure_at, last_failure_at, last_tested_at, last_status)
                    VALUES (?, ?, ?, 1, 1, ?, ?, ?, 'failed')
                    ON CONFLICT(plugin, scope_key, file_id) DO UPDATE SET
                        failure_count = failure_count + 1, consecutive_failures = consecutive_failures + 1,
                        first_failure_at = COALESCE(first_failure_at, excluded.first_failure_at),
                        last_failure_at = excluded.last_failure_at, last_tested_at = excluded.last_tested_at,
                        last_status = 'failed'
                    """)
            let history = try db.cachedStatement(
                sql: """
                    INSERT INTO failure_history(plugin, scope_key, file_id, iteration, parser_version, category, message, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let upsertPass = try db.cachedStatement(
                sql: """
                    INSERT INTO high_failures(plugin, scope_key, file_id, last_tested_at, last_status)
                    VALUES (?, ?, ?, ?, 'passed')
                    ON CONFLICT(plugin, scope_key, file_id) DO UPDATE SET
                        consecutive_failures = 0, last_tested_at = excluded.last_tested_at, last_status = 'passed'
                    """)
            let resolve = try db.cachedStatement(
                sql: """
                    UPDATE failure_history SET resolved = 1, resolved_by = ?
                    WHERE plugin = ? AND scope_key = ? AND file_id = ? AND resolved = 0
                    """)
            for v in verdicts {
                guard let id = ids[v.path] else { continue }
                if v.failed {
                    try upsertFail.execute(arguments: [plugin, scopeKey, id, now, now, now])
                    try history.execute(arguments: [
                        plugin, scopeKey, id, iteration, parserVersion,
                        v.category ?? "plugin_error", String((v.message ?? "").prefix(2000)), now,
                    ])
                } else {
                    try upsertPass.execute(arguments: [plugin, scopeKey, id, now])
                    try resolve.execute(arguments: [parserVersion, plugin, scopeKey, id])
                }
            }
        }
    }

    /// A file's failure history, oldest first.
    public func failureHistory(plugin: String, scopeKey: String, path: String) throws -> [FailureHistoryEntry] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT h.* FROM failure_history h JOIN files f ON f.id = h.file_id
                    WHERE h.plugin = ? AND h.scope_key = ? AND f.path = ? ORDER BY h.id
                    """, arguments: [plugin, scopeKey, path]
            ).map { r in
                FailureHistoryEntry(
                    iteration: r["iteration"], parserVersion: r["parser_version"], category: r["category"],
                    message: r["message"], at: r["at"], resolved: (r["resolved"] as Int) != 0,
                    resolvedBy: r["resolved_by"])
            }
        }
    }
}
