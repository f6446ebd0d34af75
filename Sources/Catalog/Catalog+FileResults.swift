import CasparianCore
import Foundation
import GRDB

/// A file's last result under one plugin (its latest backtest or execute).
public struct FileResultRecord: Sendable, Equatable, Codable {
    /// `ok`, `failed` or `quarantined` (written, with values quarantined).
    public enum Status: String, Sendable, Codable, CaseIterable {
        case ok, failed, quarantined
    }
    public var plugin: String
    public var kind: RunKind
    public var runID: String
    public var parserVersion: String?
    public var status: Status
    public var category: String?
    public var message: String?
    public var rows: Int
    public var at: String
    /// Failures in the high-failure table, all scopes together, and the longest current streak.
    public var failureCount: Int
    public var consecutiveFailures: Int

    enum CodingKeys: String, CodingKey {
        case plugin, kind, status, category, message, rows, at
        case runID = "run_id"
        case parserVersion = "parser_version"
        case failureCount = "failure_count"
        case consecutiveFailures = "consecutive_failures"
    }
}

/// A catalog file with its tags and last result per plugin.
public struct FileView: Sendable, Equatable, Codable {
    public var path: String
    public var size: Int
    public var tags: [String]
    public var results: [FileResultRecord]
    /// The plugins that gave up on this file (dead-letter entries, with history).
    public var deadLetters: [DeadLetter] = []

    enum CodingKeys: String, CodingKey {
        case path, size, tags, results
        case deadLetters = "dead_letters"
    }
}

extension Catalog {
    /// Catalog files (those of a scope, or with a tag, when given), each with
    /// its tags and its last result per plugin (only `plugin`'s when given),
    /// in path order.
    public func fileViews(scopeID: String? = nil, tag: String? = nil, plugin: String? = nil) throws -> [FileView] {
        try pool.read { db in
            var sql = "SELECT f.id, f.path, f.size FROM files f"
            var args: StatementArguments = []
            if let scopeID {
                sql += " JOIN scope_files sf ON sf.file_id = f.id AND sf.scope_id = ?"
                args += [scopeID]
            }
            if let tag {
                sql += " JOIN file_tags ft ON ft.file_id = f.id AND ft.tag = ?"
                args += [tag]
            }
            var views: [Int64: FileView] = [:]
            var order: [Int64] = []
            for r in try Row.fetchAll(db, sql: sql + " ORDER BY f.path", arguments: args) {
                let id: Int64 = r["id"]
                views[id] = FileView(path: r["path"], size: r["size"], tags: [], results: [])
                order.append(id)
            }
            for r in try Row.fetchAll(db, sql: "SELECT file_id, tag FROM file_tags ORDER BY tag") {
                let id: Int64 = r["file_id"]
                views[id]?.tags.append(r["tag"])
            }
            var failures: [String: (Int, Int)] = [:]
            for r in try Row.fetchAll(
                db,
                sql: """
                    SELECT file_id, plugin, SUM(failure_count) AS n, MAX(consecutive_failures) AS c FROM high_failures GROUP BY file_id, plugin
                    """)
            {
                failures["\(r["file_id"] as Int64)/\(r["plugin"] as String)"] = (r["n"], r["c"])
            }
            var last: [Int64: [String: FileResultRecord]] = [:]
            for r in try Row.fetchAll(
                db,
                sql: """
                    SELECT rf.file_id, r.plugin, r.kind, r.id, r.parser_version, rf.status, rf.category, rf.message, rf.rows, r.started_at
                    FROM run_files rf JOIN runs r ON r.id = rf.run_id
                    WHERE ? IS NULL OR r.plugin = ? ORDER BY r.started_at, r.id
                    """, arguments: [plugin, plugin])
            {
                let id: Int64 = r["file_id"]
                guard views[id] != nil else { continue }
                let raw: String = r["status"]
                let category: String? = r["category"]
                let status: FileResultRecord.Status =
                    raw == RunFileStatus.failed.rawValue ? .failed : (category == "quarantined" ? .quarantined : .ok)
                let name: String = r["plugin"]
                let (count, streak) = failures["\(id)/\(name)"] ?? (0, 0)
                last[id, default: [:]][name] = FileResultRecord(
                    plugin: name, kind: RunKind(rawValue: r["kind"]) ?? .backtest, runID: r["id"], parserVersion: r["parser_version"],
                    status: status,
                    category: category, message: r["message"], rows: r["rows"], at: r["started_at"], failureCount: count,
                    consecutiveFailures: streak)
            }
            var dead: [String: [DeadLetter]] = [:]
            for l in try deadLetters(db, plugin: plugin) { dead[l.path, default: []].append(l) }
            return order.map { id in
                var v = views[id]!
                v.results = (last[id] ?? [:]).values.sorted { $0.plugin < $1.plugin }
                v.deadLetters = dead[v.path] ?? []
                return v
            }
        }
    }
}
