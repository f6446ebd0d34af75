import Foundation
import GRDB

extension Catalog {
    /// The id of each path in the `files` table, inserting (with size and
    /// mtime from disk) the ones not known yet and refreshing `last_seen`.
    public func fileIDs(for paths: [String]) throws -> [String: Int64] {
        let now = Timestamp.now()
        return try pool.write { db in
            var ids: [String: Int64] = [:]
            let select = try db.cachedStatement(sql: "SELECT id FROM files WHERE path = ?")
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO files(path, size, mtime, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(path) DO UPDATE SET last_seen = excluded.last_seen
                    """)
            for p in paths {
                if let id = try Int64.fetchOne(select, arguments: [p]) {
                    ids[p] = id
                    continue
                }
                let attrs = try? FileManager.default.attributesOfItem(atPath: p)
                let size = (attrs?[.size] as? NSNumber)?.int64Value ?? 0
                let mtime = (attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                try insert.execute(arguments: [p, size, mtime, now, now])
                ids[p] = db.lastInsertedRowID
            }
            return ids
        }
    }
}
