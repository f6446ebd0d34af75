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
    /// Stores what a front door (the MCP server) answered for a run.
    public func setRunReply(id: String, replyJSON: String) throws {
        try pool.write { db in try db.execute(sql: "UPDATE runs SET reply_json = ? WHERE id = ?", arguments: [replyJSON, id]) }
    }

    /// The stored answer for a run, if any.
    public func runReply(id: String) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT reply_json FROM runs WHERE id = ?", arguments: [id]) }
    }
}
