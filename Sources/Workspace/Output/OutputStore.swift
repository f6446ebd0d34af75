import CasparianCore
import Catalog
import Foundation
import GRDB

/// The tables plugins produce: `.casparian/output.sqlite`, in WAL mode.
///
/// One table per output, typed from the contract (`prepare`), with lineage
/// columns `_cf_file`, `_cf_row`, `_cf_parser_version`, `_cf_run` and an
/// index on `_cf_file`. `writeFile` is the only way rows get in: it replaces
/// every row a file has in every table of the plugin, in one transaction, so
/// a file's rows all land or none do, re-writing a file never duplicates
/// rows, and a process killed mid-write leaves the previous state.
///
/// Bookkeeping tables: `_cf_outputs` (which plugin owns which table, at which
/// contract version), `_cf_file_writes` (the last successful write of each
/// file, committed with its rows) and `_cf_quarantine` (rows that violated
/// the contract).
public final class OutputStore: OutputTarget {
    public let url: URL
    public var spec: OutputTargetSpec { .sqlite }
    let pool: DatabasePool
    /// Checkpoints the WAL off the writer's thread (see `WALCheckpointer`).
    let checkpointer: WALCheckpointer

    /// Opens (creating if needed) the output database.
    public init(url: URL) throws {
        self.url = url
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            // WAL + NORMAL: a commit survives a killed process (the WAL is in
            // the OS cache); only a power loss can drop the last commits.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Bigger pages for a new database: bulk appends of wide rows touch
            // fewer pages (no effect on an existing file).
            try db.execute(sql: "PRAGMA page_size = 16384")
            // The writer never checkpoints; `checkpointer` does, on its own thread.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        checkpointer = WALCheckpointer(path: url.path)
        do {
            pool = try DatabasePool(path: url.path, configuration: config)
            try OutputStore.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw CasparianError(
                .environment, "cannot open the output database at \(url.path): \(error.message ?? "\(error)")",
                hint: "check that the folder is writable and that the file is a SQLite database")
        }
    }

    /// The bookkeeping schema of output.sqlite.
    static let migrator: DatabaseMigrator = {
        var m = DatabaseMigrator()
        m.registerMigration("v1-output") { db in
            try db.execute(
                sql: """
                    CREATE TABLE _cf_outputs (
                        table_name TEXT PRIMARY KEY COLLATE NOCASE,
                        plugin TEXT NOT NULL,
                        output TEXT NOT NULL,
                        contract_version INTEGER NOT NULL,
                        columns_json TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    );
                    CREATE TABLE _cf_file_writes (
                        plugin TEXT NOT NULL,
                        file TEXT NOT NULL,
                        run TEXT NOT NULL,
                        parser_version TEXT NOT NULL,
                        fingerprint TEXT,
                        rows INTEGER NOT NULL,
                        quarantined INTEGER NOT NULL,
                        written_at TEXT NOT NULL,
                        PRIMARY KEY (plugin, file)
                    ) WITHOUT ROWID;
                    CREATE TABLE _cf_quarantine (
                        id INTEGER PRIMARY KEY,
                        plugin TEXT NOT NULL,
                        run TEXT NOT NULL,
                        file TEXT NOT NULL,
                        "row" INTEGER NOT NULL,
                        output TEXT NOT NULL,
                        "column" TEXT,
                        kind TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        value TEXT
                    );
                    CREATE INDEX _cf_quarantine_by_file ON _cf_quarantine(plugin, file);
                    """)
        }
        m.registerMigration("v2-output-row-ranges") { db in
            // Where each file's rows are in each table: a file's rows are
            // inserted in one transaction by one writer, so they hold one
            // contiguous rowid range, and replacing the file deletes that
            // range — no index on the lineage columns to maintain on every
            // insert. Tables of older versions keep their lineage index and
            // fall back to it for files written before this.
            try db.execute(
                sql: """
                    CREATE TABLE _cf_file_rows (
                        plugin TEXT NOT NULL,
                        file TEXT NOT NULL,
                        table_name TEXT NOT NULL COLLATE NOCASE,
                        first_rowid INTEGER NOT NULL,
                        last_rowid INTEGER NOT NULL,
                        PRIMARY KEY (plugin, file, table_name)
                    ) WITHOUT ROWID;
                    ALTER TABLE _cf_file_writes ADD COLUMN row_ranges INTEGER NOT NULL DEFAULT 0;
                    """)
        }
        return m
    }()

    /// The number of rows in a table (an output table or a `_cf_` table).
    public func rowCount(table: String) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(SQLName.quote(table))") ?? 0
        }
    }

    /// The last successful write of `file` by `plugin`, or nil if it was
    /// never written (or its rows were removed).
    public func lastWrite(plugin: String, file: String) throws -> FileWriteRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM _cf_file_writes WHERE plugin = ? AND file = ?", arguments: [plugin, file])
                .map(FileWriteRecord.init(row:))
        }
    }

    /// Every file `plugin` has written, by path.
    public func writtenFiles(plugin: String) throws -> [String: FileWriteRecord] {
        try pool.read { db in try WriteBookkeeping.writtenFiles(db, table: "_cf_file_writes", plugin: plugin) }
    }

    /// The quarantined values of one file.
    public func quarantine(plugin: String, file: String) throws -> [QuarantinedValue] {
        try pool.read { db in try WriteBookkeeping.quarantine(db, table: "_cf_quarantine", plugin: plugin, file: file) }
    }

    /// The output tables and their owners.
    public func tables() throws -> [OutputTableInfo] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM _cf_outputs ORDER BY table_name").map { r in
                let table: String = r["table_name"]
                return OutputTableInfo(
                    table: table, plugin: r["plugin"], output: r["output"], contractVersion: r["contract_version"],
                    rows: try Int.fetchOne(db, sql: "SELECT count(*) FROM \(SQLName.quote(table))") ?? 0)
            }
        }
    }
}

/// An output table as `OutputStore.tables()` lists it.
public struct OutputTableInfo: Sendable, Equatable, Codable {
    public var table: String
    public var plugin: String
    public var output: String
    public var contractVersion: Int
    public var rows: Int
}

/// The bookkeeping reads the SQLite store and a Parquet folder's state
/// database share (their write-record and quarantine tables have the same columns).
enum WriteBookkeeping {
    /// Every file `plugin` has written, by path.
    static func writtenFiles(_ db: Database, table: String, plugin: String) throws -> [String: FileWriteRecord] {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(SQLName.quote(table)) WHERE plugin = ?", arguments: [plugin])
        return Dictionary(rows.map { (($0["file"] as String), FileWriteRecord(row: $0)) }, uniquingKeysWith: { a, _ in a })
    }

    /// The quarantined values of one file, in the order they were kept.
    static func quarantine(_ db: Database, table: String, plugin: String, file: String) throws -> [QuarantinedValue] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT output, "row", "column", kind, reason, value FROM \(SQLName.quote(table))
                WHERE plugin = ? AND file = ? ORDER BY id
                """, arguments: [plugin, file]
        ).map { r in
            QuarantinedValue(
                output: r["output"], row: r["row"], column: r["column"], kind: r["kind"], reason: r["reason"], value: r["value"])
        }
    }
}

extension FileWriteRecord {
    init(row r: Row) {
        self.init(
            plugin: r["plugin"], file: r["file"], run: r["run"], parserVersion: r["parser_version"],
            fingerprint: r["fingerprint"], rows: r["rows"], quarantined: r["quarantined"], writtenAt: r["written_at"])
    }
}
