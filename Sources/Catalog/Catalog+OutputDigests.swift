import CasparianCore
import Foundation
import GRDB

extension Catalog {
    /// The stored digest of what `version` of `plugin` made of `path`.
    public func outputDigest(plugin: String, path: String, version: String) throws -> Data? {
        try pool.read { db in
            try Data.fetchOne(
                db, sql: "SELECT digest FROM output_digests WHERE plugin = ? AND path = ? AND parser_version = ?",
                arguments: [plugin, path, version])
        }
    }

    /// The newest parser version of `plugin` other than `version` with
    /// stored digests, or nil.
    public func previousDigestVersion(plugin: String, before version: String) throws -> String? {
        try pool.read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT parser_version FROM output_digests WHERE plugin = ? AND parser_version != ?
                    GROUP BY parser_version ORDER BY max(created_at) DESC LIMIT 1
                    """, arguments: [plugin, version])
        }
    }

    /// Stores digests of `version`, and for each file drops those of
    /// versions other than `version` and `keeping`: two versions per file.
    public func saveOutputDigests(plugin: String, version: String, keeping previous: String?, digests: [(path: String, data: Data)]) throws
    {
        guard !digests.isEmpty else { return }
        try pool.write { db in
            let now = Timestamp.now()
            for d in digests {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO output_digests(plugin, path, parser_version, digest, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [plugin, d.path, version, d.data, now])
                try db.execute(
                    sql: "DELETE FROM output_digests WHERE plugin = ? AND path = ? AND parser_version NOT IN (?, ?)",
                    arguments: [plugin, d.path, version, previous ?? version])
            }
        }
    }

    /// The paths both versions have digests of.
    public func digestPaths(plugin: String, versions: (String, String)) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT a.path FROM output_digests a JOIN output_digests b ON b.plugin = a.plugin AND b.path = a.path
                    WHERE a.plugin = ? AND a.parser_version = ? AND b.parser_version = ? ORDER BY a.path
                    """, arguments: [plugin, versions.0, versions.1])
        }
    }

    /// The source of a parser version the catalog kept, or nil.
    public func parserSource(plugin: String, version: String) throws -> String? {
        try pool.read { db in
            try String.fetchOne(
                db, sql: "SELECT source FROM parser_versions WHERE plugin = ? AND version = ?", arguments: [plugin, version])
        }
    }

    /// The parser versions of `plugin` with stored digests, newest first.
    public func digestVersions(plugin: String) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT parser_version FROM output_digests WHERE plugin = ? GROUP BY parser_version ORDER BY max(created_at) DESC
                    """, arguments: [plugin])
        }
    }
}
