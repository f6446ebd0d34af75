import CasparianCore
import Digest
import Foundation
import GRDB

extension Catalog {
    /// Attaches `tag` to files (absolute paths found on disk), adding them
    /// to the catalog when new. Returns how many files newly got the tag.
    @discardableResult
    public func tag(_ files: [FoundFile], with tag: String) throws -> Int {
        try Self.checkTag(tag)
        return try pool.write { db in
            let now = Timestamp.now()
            var added = 0
            for f in files {
                let id = try Int64.fetchOne(
                    db,
                    sql: """
                        INSERT INTO files(path, size, mtime, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT(path) DO UPDATE SET last_seen = excluded.last_seen RETURNING id
                        """, arguments: [f.path, f.size, f.mtime, now, now])
                try db.execute(sql: "INSERT OR IGNORE INTO file_tags(file_id, tag) VALUES (?, ?)", arguments: [id, tag])
                added += db.changesCount
            }
            return added
        }
    }

    /// Removes `tag` from the files with these absolute paths. Returns how
    /// many files lost it.
    @discardableResult
    public func untag(paths: [String], tag: String) throws -> Int {
        try Self.checkTag(tag)
        return try pool.write { db in
            var removed = 0
            for p in paths {
                try db.execute(
                    sql: "DELETE FROM file_tags WHERE tag = ? AND file_id = (SELECT id FROM files WHERE path = ?)", arguments: [tag, p])
                removed += db.changesCount
            }
            return removed
        }
    }

    /// Catalog files at or under an absolute folder path.
    public func knownFiles(under folder: String) throws -> [FoundFile] {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT path, size, mtime FROM files WHERE substr(path, 1, ?) = ? ORDER BY path",
                arguments: [prefix.utf8.count, prefix]
            ).map { FoundFile(path: $0["path"], size: $0["size"], mtime: $0["mtime"]) }
        }
    }

    /// The tags of catalog files under an absolute folder path, by path.
    public func tagsByPath(under folder: String) throws -> [String: Set<String>] {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return try pool.read { db in
            var result: [String: Set<String>] = [:]
            for r in try Row.fetchAll(
                db,
                sql: """
                    SELECT f.path, t.tag FROM file_tags t JOIN files f ON f.id = t.file_id WHERE substr(f.path, 1, ?) = ?
                    """, arguments: [prefix.utf8.count, prefix])
            {
                result[r["path"], default: []].insert(r["tag"])
            }
            return result
        }
    }

    /// The SHA-256 of a catalog file's contents, computed on first use and
    /// whenever the file's size or mtime changed since it was stored.
    public func contentHash(fileID: Int64) throws -> String {
        let row = try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT path, size, mtime, content_hash FROM files WHERE id = ?", arguments: [fileID])
        }
        guard let row else {
            throw CasparianError(
                .notFound, "no catalog file with id \(fileID)", hint: "list a scope's files with `casparian scope show NAME --files`")
        }
        let path: String = row["path"]
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw CasparianError(
                .notFound, "cannot hash \(path): \(String(cString: strerror(errno)))",
                hint: "the file moved or was deleted; refresh its scope")
        }
        let size = Int64(st.st_size)
        let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
        if let stored: String = row["content_hash"], row["size"] == size, row["mtime"] == mtime { return stored }
        let hash = try SHA256.hexDigest(ofFileAt: path)
        try pool.write { db in
            try db.execute(
                sql: "UPDATE files SET content_hash = ?, size = ?, mtime = ? WHERE id = ?", arguments: [hash, size, mtime, fileID])
        }
        return hash
    }

    /// Tags are short names: letters, digits, `-`, `_`, `.`, `:`.
    public static func checkTag(_ tag: String) throws {
        let ok =
            !tag.isEmpty && tag.count <= 64
            && tag.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) || "-_.:".unicodeScalars.contains($0)
            }
        guard ok else {
            throw CasparianError(
                .usage, "invalid tag \"\(tag)\"", hint: "use a short name of letters, digits, -, _, . or : (e.g. reviewed, q1-2024)")
        }
    }
}
