import CasparianCore
import Foundation
import GRDB
import Inference

/// A discovery as the catalog keeps it.
public struct StoredDiscovery: Sendable, Equatable {
    public var id: String
    public var plugin: String
    public var scopeID: String?
    public var createdAt: Date
    public var result: DiscoveryResult
    /// Set once a contract was approved from this discovery.
    public var approvedContractID: String?
}

extension Catalog {
    /// Stores a discovery and returns its id (`disc_…`).
    @discardableResult
    public func saveDiscovery(plugin: String, scopeID: String?, result: DiscoveryResult) throws -> String {
        let id = Identifier.make("disc")
        let json = try result.jsonText()
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO discoveries(id, plugin, scope_id, created_at, files, rows, result_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [id, plugin, scopeID, Timestamp.now(), result.files, result.rows, json])
        }
        return id
    }

    public func discovery(id: String) throws -> StoredDiscovery {
        try pool.read { db in try discovery(id: id, db: db) }
    }

    /// The newest discovery of `plugin` (insertion order breaks ties of the
    /// millisecond timestamp); nil when it was never discovered.
    public func latestDiscovery(plugin: String) throws -> StoredDiscovery? {
        try pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM discoveries WHERE plugin = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
                arguments: [plugin]
            ).map(StoredDiscovery.init(row:))
        }
    }
}

extension StoredDiscovery {
    init(row: Row) throws {
        let json: String = row["result_json"]
        self.init(
            id: row["id"], plugin: row["plugin"], scopeID: row["scope_id"],
            createdAt: Timestamp.parse(row["created_at"]) ?? Date(timeIntervalSince1970: 0),
            result: try JSONDecoder().decode(DiscoveryResult.self, from: Data(json.utf8)),
            approvedContractID: row["approved_contract_id"])
    }
}

/// Catalog ids: a prefix and a random, sortable-enough suffix (`run_3f9a…`).
public enum Identifier {
    public static func make(_ prefix: String) -> String {
        let time = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)
        let random = String(UInt64.random(in: 0..<UInt64(1) << 40), radix: 36)
        return "\(prefix)_\(time)\(random)"
    }
}

/// ISO 8601 timestamps with milliseconds, UTC, as the catalog stores them.
public enum Timestamp {
    public static func now() -> String { format(Date()) }

    public static func format(_ d: Date) -> String {
        d.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    public static func parse(_ s: String?) -> Date? {
        guard let s else { return nil }
        return try? Date(s, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
