import CasparianCore
import GRDB

/// One stored version of a plugin's `parser.py`.
public struct ParserVersionRecord: Sendable, Equatable, Codable {
    public var plugin: String
    public var version: String
    public var sourceHash: String
    public var source: String
    public var createdAt: String
}

extension Catalog {
    /// Keeps a parser's source under its version (a version already stored is left as it is).
    public func saveParserVersion(plugin: String, version: String, sourceHash: String, source: String) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO parser_versions(plugin, version, source_hash, source, created_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [plugin, version, sourceHash, source, Timestamp.now()])
        }
    }

    /// A plugin's stored parser versions, oldest first.
    public func parserVersions(plugin: String) throws -> [ParserVersionRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM parser_versions WHERE plugin = ? ORDER BY created_at, rowid", arguments: [plugin]).map {
                ParserVersionRecord(plugin: $0["plugin"], version: $0["version"], sourceHash: $0["source_hash"], source: $0["source"],
                                    createdAt: $0["created_at"])
            }
        }
    }
}
