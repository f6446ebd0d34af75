import CSQLiteConfig
import CasparianCore
import Foundation
import GRDB

/// The workspace's state: `catalog.sqlite`, in WAL mode, one writer and
/// concurrent readers. Every store (scopes, files, discoveries, contracts,
/// parser versions, runs, high-failure table) is an extension of this type.
public final class Catalog: Sendable {
    public let url: URL
    /// Internal: every reader and writer outside this module goes through a
    /// method of the catalog (and, above it, of the workspace).
    let pool: DatabasePool

    /// Opens (creating if needed) the catalog and migrates it to the latest schema.
    public init(url: URL) throws {
        self.url = url
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: url.path, configuration: config)
            try Catalog.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw CasparianError(
                .environment, "cannot open the catalog at \(url.path): \(error.message ?? "\(error)")",
                hint: "check that the folder is writable; a catalog from a newer casparian cannot be opened by an older one")
        }
    }

    /// The identifiers of the migrations applied so far.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Catalog.migrator.appliedIdentifiers(db).sorted() }
    }

    /// Closes the catalog's connections now (the last one checkpoints the
    /// WAL into the file); afterwards every read and write fails.
    public func close() throws {
        try pool.close()
    }

    public var journalMode: String {
        (try? pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }) ?? "?"
    }
}

extension Catalog {
    /// Tunes SQLite for this process; call first thing in `main`, before any
    /// database opens (later it changes nothing). Connections are each used
    /// from one thread at a time, so SQLite's own mutexes and its memory
    /// statistics are turned off. Returns whether the tuning took effect.
    @discardableResult
    public static func configureSQLiteForProcess() -> Bool {
        csq_configure_process() == SQLITE_OK
    }
}
