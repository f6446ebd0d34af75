import CasparianCore
import GRDB

extension Catalog {
    /// The newest runs first, at most `limit` (for listings such as MCP resources).
    public func recentRuns(limit: Int) throws -> [RunRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?", arguments: [limit])
                .map(Self.runRecord)
        }
    }
}

extension Catalog {
    /// The newest run of `kind` for `plugin` that had a scope, or nil.
    public func latestScopedRun(kind: RunKind, plugin: String) throws -> RunRecord? {
        try pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT \(Self.recordColumns(progress: false)) FROM runs
                    WHERE kind = ? AND plugin = ? AND scope_id IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1
                    """, arguments: [kind.rawValue, plugin]
            ).map(Self.runRecord)
        }
    }

    /// Keeps a parser version's source (the first time this version is seen).
    public func recordParserVersion(plugin: String, version: String, sourceHash: String, source: String) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO parser_versions(plugin, version, source_hash, source, created_at) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [plugin, version, sourceHash, source, Timestamp.now()])
        }
    }

    /// Stores what a front door (the MCP server) answered for a run.
    public func setRunReply(id: String, replyJSON: String) throws {
        try pool.write { db in try db.execute(sql: "UPDATE runs SET reply_json = ? WHERE id = ?", arguments: [replyJSON, id]) }
    }

    /// The stored answer for a run, if any.
    public func runReply(id: String) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT reply_json FROM runs WHERE id = ?", arguments: [id]) }
    }
}
