import CasparianCore
import Foundation
import GRDB

extension Catalog {
    /// Stores a new scope with its files; the name must be new.
    public func createScope(_ definition: ScopeDefinition, files: [FoundFile]) throws -> (StoredScope, ScopeChanges) {
        let id = Identifier.make("scope")
        let changes: ScopeChanges = try pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM scopes WHERE name = ?", arguments: [definition.name]) == true {
                throw CasparianError(
                    .conflict, "a scope named \(definition.name) already exists",
                    hint: "pick another name, or update it with `casparian scope refresh \(definition.name)`")
            }
            try db.execute(
                sql: """
                    INSERT INTO scopes(id, name, root, include_json, exclude_json, tags_json, include_hidden, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, definition.name, definition.root, try Self.json(definition.include), try Self.json(definition.exclude),
                    try Self.json(definition.tags), definition.includeHidden, Timestamp.now(),
                ])
            return try replaceFiles(db, scopeID: id, files: files)
        }
        return (try scope(named: definition.name), changes)
    }

    /// Replaces a scope's file list with `files` and reports what changed
    /// since its last refresh, in one transaction.
    public func refreshScope(id: String, files: [FoundFile]) throws -> ScopeChanges {
        try pool.write { db in try replaceFiles(db, scopeID: id, files: files) }
    }

    public func scopes() throws -> [StoredScope] {
        try pool.read { db in try Row.fetchAll(db, sql: Self.scopeQuery + " GROUP BY s.id ORDER BY s.name").map(Self.scope(from:)) }
    }

    /// The scope called `name`; a `notFound` error listing the others if none.
    public func scope(named name: String) throws -> StoredScope {
        let row = try pool.read { db in try Row.fetchOne(db, sql: Self.scopeQuery + " WHERE s.name = ? GROUP BY s.id", arguments: [name]) }
        guard let row else {
            let names = (try? scopes().map(\.definition.name)) ?? []
            throw CasparianError(
                .notFound, "no scope named \(name)" + (names.isEmpty ? "" : " (scopes: \(names.joined(separator: ", ")))"),
                hint: "create it with `casparian scope create \(name) --root DIR`; `casparian scope list` shows the scopes")
        }
        return try Self.scope(from: row)
    }

    /// A scope's files, by path.
    public func scopeFiles(scopeID: String) throws -> [ScopeFile] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT f.id, f.path, sf.size, sf.mtime, f.content_hash FROM scope_files sf JOIN files f ON f.id = sf.file_id
                    WHERE sf.scope_id = ? ORDER BY f.path
                    """, arguments: [scopeID]
            ).map { r in
                // By position: a scope may hold many thousands of files.
                ScopeFile(fileID: r[0], path: r[1], size: r[2], mtime: r[3], contentHash: r[4])
            }
        }
    }

    /// The paths of a scope's files, sorted: what a run needs, read without
    /// the other columns (a scope may hold many thousands of files).
    public func scopeFilePaths(scopeID: String) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT f.path FROM scope_files sf JOIN files f ON f.id = sf.file_id
                    WHERE sf.scope_id = ? ORDER BY f.path
                    """, arguments: [scopeID])
        }
    }

    /// Deletes a scope (its files stay in the catalog for other scopes and runs).
    public func deleteScope(named name: String) throws {
        let scope = try scope(named: name)
        try pool.write { db in try db.execute(sql: "DELETE FROM scopes WHERE id = ?", arguments: [scope.id]) }
    }

    private static let scopeQuery = """
        SELECT s.*, count(sf.file_id) AS file_count, coalesce(sum(sf.size), 0) AS bytes
        FROM scopes s LEFT JOIN scope_files sf ON sf.scope_id = s.id
        """

    private static func scope(from r: Row) throws -> StoredScope {
        func list(_ column: String) throws -> [String] {
            try JSONDecoder().decode([String].self, from: Data((r[column] as String).utf8))
        }
        let definition = ScopeDefinition(
            name: r["name"], root: r["root"], include: try list("include_json"), exclude: try list("exclude_json"),
            tags: try list("tags_json"), includeHidden: r["include_hidden"])
        return StoredScope(
            id: r["id"], definition: definition, createdAt: r["created_at"], refreshedAt: r["refreshed_at"],
            fileCount: r["file_count"], bytes: r["bytes"])
    }

    static func json(_ list: [String]) throws -> String {
        try list.jsonText()
    }

    private func replaceFiles(_ db: Database, scopeID: String, files: [FoundFile]) throws -> ScopeChanges {
        var prior: [String: (id: Int64, size: Int64?, mtime: Double?)] = [:]
        for r in try Row.fetchAll(
            db,
            sql: """
                SELECT f.path, f.id, sf.size, sf.mtime FROM scope_files sf JOIN files f ON f.id = sf.file_id WHERE sf.scope_id = ?
                """, arguments: [scopeID])
        {
            prior[r["path"]] = (r["id"], r["size"], r["mtime"])
        }
        let now = Timestamp.now()
        var changes = ScopeChanges()
        let upsertFile = try db.cachedStatement(
            sql: """
                INSERT INTO files(path, size, mtime, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(path) DO UPDATE SET
                    content_hash = CASE WHEN files.size = excluded.size AND files.mtime = excluded.mtime THEN files.content_hash END,
                    size = excluded.size, mtime = excluded.mtime, last_seen = excluded.last_seen
                RETURNING id
                """)
        let upsertMember = try db.cachedStatement(
            sql: """
                INSERT INTO scope_files(scope_id, file_id, size, mtime) VALUES (?, ?, ?, ?)
                ON CONFLICT(scope_id, file_id) DO UPDATE SET size = excluded.size, mtime = excluded.mtime
                """)
        var seen = Set<String>()
        for f in files where seen.insert(f.path).inserted {
            if let before = prior[f.path] {
                if before.size == f.size && before.mtime == f.mtime { changes.unchanged += 1 } else { changes.changed.append(f.path) }
            } else {
                changes.added.append(f.path)
            }
            guard let id = try Int64.fetchOne(upsertFile, arguments: [f.path, f.size, f.mtime, now, now]) else { continue }
            try upsertMember.execute(arguments: [scopeID, id, f.size, f.mtime])
        }
        let remove = try db.cachedStatement(sql: "DELETE FROM scope_files WHERE scope_id = ? AND file_id = ?")
        for (path, before) in prior where !seen.contains(path) {
            changes.removed.append(path)
            try remove.execute(arguments: [scopeID, before.id])
        }
        changes.added.sort()
        changes.changed.sort()
        changes.removed.sort()
        try db.execute(sql: "UPDATE scopes SET refreshed_at = ? WHERE id = ?", arguments: [now, scopeID])
        return changes
    }
}
