import CasparianCore
import Foundation
import GRDB

/// A file that kept failing transiently (its worker killed by the system,
/// or out of time) through every retry of a job: set aside for a person.
public struct DeadLetter: Sendable, Equatable, Codable {
    public var path: String
    public var plugin: String
    public var parserVersion: String?
    public var runID: String
    /// The kind of run whose retries ran out.
    public var kind: RunKind
    public var category: String
    public var message: String
    public var attempts: Int
    /// Every attempt's failure, oldest first, then the file's earlier
    /// failures under this plugin from the high-failure history.
    public var history: [String]
    public var at: String

    public init(
        path: String, plugin: String, parserVersion: String?, runID: String, kind: RunKind, category: String,
        message: String, attempts: Int, history: [String], at: String = Timestamp.now()
    ) {
        self.path = path
        self.plugin = plugin
        self.parserVersion = parserVersion
        self.runID = runID
        self.kind = kind
        self.category = category
        self.message = message
        self.attempts = attempts
        self.history = history
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case path, plugin, kind, category, message, attempts, history, at
        case parserVersion = "parser_version"
        case runID = "run_id"
    }
}

extension Catalog {
    /// Puts files on the dead-letter list (replacing an older entry for the
    /// same plugin and file).
    public func recordDeadLetters(_ letters: [DeadLetter]) throws {
        guard !letters.isEmpty else { return }
        let ids = try fileIDs(for: letters.map(\.path))
        try pool.write { db in
            let s = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO dead_letters(plugin, file_id, parser_version, run_id, kind, category, message, attempts,
                                                        history_json, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for l in letters {
                guard let id = ids[l.path] else { continue }
                let history = try l.history.jsonText()
                try s.execute(arguments: [
                    l.plugin, id, l.parserVersion, l.runID, l.kind.rawValue, l.category, String(l.message.prefix(2000)),
                    l.attempts, history, l.at,
                ])
            }
        }
    }

    /// Takes files off the dead-letter list of `plugin` (they passed since).
    public func clearDeadLetters(plugin: String, paths: [String]) throws {
        guard !paths.isEmpty else { return }
        try pool.write { db in
            let s = try db.cachedStatement(
                sql: "DELETE FROM dead_letters WHERE plugin = ? AND file_id = (SELECT id FROM files WHERE path = ?)")
            for p in paths { try s.execute(arguments: [plugin, p]) }
        }
    }

    /// The dead-letter list, by path: all of it, or one plugin's.
    public func deadLetters(plugin: String? = nil) throws -> [DeadLetter] {
        try pool.read { db in try deadLetters(db, plugin: plugin) }
    }

    func deadLetters(_ db: Database, plugin: String?) throws -> [DeadLetter] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT f.path, d.* FROM dead_letters d JOIN files f ON f.id = d.file_id
                WHERE ? IS NULL OR d.plugin = ? ORDER BY f.path, d.plugin
                """, arguments: [plugin, plugin]
        ).map { r in
            let history = (try? JSONDecoder().decode([String].self, from: Data((r["history_json"] as String).utf8))) ?? []
            return DeadLetter(
                path: r["path"], plugin: r["plugin"], parserVersion: r["parser_version"], runID: r["run_id"],
                kind: RunKind(rawValue: r["kind"]) ?? .execute, category: r["category"], message: r["message"], attempts: r["attempts"],
                history: history, at: r["created_at"])
        }
    }

    /// The file's earlier failures under `plugin` (newest last), as lines
    /// for a dead letter's history.
    public func failureHistoryLines(plugin: String, path: String, limit: Int = 20) throws -> [String] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM (SELECT h.* FROM failure_history h JOIN files f ON f.id = h.file_id
                                   WHERE h.plugin = ? AND f.path = ? ORDER BY h.id DESC LIMIT ?) ORDER BY id
                    """, arguments: [plugin, path, limit]
            ).map { r in
                let category: String = r["category"] ?? "failed"
                let message: String = r["message"] ?? ""
                return "\(r["at"] as String? ?? "") iteration \(r["iteration"] as Int? ?? 0): \(category): \(message)"
            }
        }
    }
}
