import CasparianCore
import Foundation
import GRDBSQLite

/// Runs one SQL statement over output.sqlite, safely enough to hand to
/// people and to Claude: the connection is opened `SQLITE_OPEN_READONLY`
/// with extension loading off and no attached databases allowed; the SQL
/// must be exactly one statement (what `sqlite3_prepare_v2` leaves over may
/// only be whitespace, comments and semicolons) that `sqlite3_stmt_readonly`
/// calls read-only; an authorizer denies ATTACH/DETACH, every write,
/// transactions, `load_extension` and every PRAGMA but a list of read-only
/// ones; a progress handler interrupts the query at the time limit; rows
/// and bytes are capped (`truncated`), the bytes cell by cell before a cell
/// is copied.
///
/// A database in a folder the user can only read, without a WAL index
/// (`-shm`) that SQLite could use read-only, is opened `immutable`,
/// provided no uncheckpointed WAL would be skipped.
public struct ReadOnlyQuery: Sendable {
    public var database: URL
    public var options: QueryOptions

    public init(database: URL, options: QueryOptions = QueryOptions()) {
        self.database = database
        self.options = options
    }

    /// Runs `sql` and returns its (capped) rows.
    public func run(_ sql: String) throws -> QueryResult {
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw CasparianError(
                .notFound, "there is no output database yet (\(database.path))",
                hint: "run a plugin over a scope first: casparian run PLUGIN --scope NAME")
        }
        let guardState = QueryGuard(deadline: ContinuousClock.now + options.timeLimit)
        // SQLite holds an unretained pointer to it until the connection closes.
        return try withExtendedLifetime(guardState) { try run(sql, guardState: guardState) }
    }

    private func run(_ sql: String, guardState: QueryGuard) throws -> QueryResult {
        let db = try open(guardState, immutable: !canReadWithoutImmutable())
        defer { sqlite3_close_v2(db) }

        var statement: OpaquePointer?
        var tail = ""
        let rc = sql.withCString { cSQL -> Int32 in
            var tailPointer: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v2(db, cSQL, -1, &statement, &tailPointer)
            if let tailPointer { tail = String(cString: tailPointer) }
            return rc
        }
        defer { sqlite3_finalize(statement) }
        if let denied = guardState.denied {
            throw CasparianError(
                .usage, "query refused: \(denied) is not allowed; queries are read-only",
                hint: "ask with a single SELECT (or WITH … SELECT) over the output tables")
        }
        if guardState.timedOut { throw timeLimitError() }
        guard rc == SQLITE_OK else {
            throw CasparianError(
                .usage, "SQL error: \(String(cString: sqlite3_errmsg(db)))",
                hint: "check the SQL; `casparian output list` shows the tables, `PRAGMA table_info(NAME)` their columns")
        }
        guard let statement else {
            throw CasparianError(.usage, "the query is empty", hint: "pass one SQL statement, e.g. \"SELECT * FROM sales LIMIT 10\"")
        }
        guard SQLTail.isEmpty(tail) else {
            throw CasparianError(
                .usage,
                "only one SQL statement per query; found more after the first: \(tail.trimmingCharacters(in: .whitespacesAndNewlines).prefix(60))",
                hint: "remove everything after the first statement (run several queries one by one)")
        }
        guard sqlite3_stmt_readonly(statement) != 0 else {
            throw CasparianError(
                .usage, "query refused: the statement would change the database; queries are read-only",
                hint: "ask with a single SELECT (or WITH … SELECT) over the output tables")
        }
        return try collect(statement, db: db, guardState: guardState)
    }

    /// Whether SQLite can read the WAL database without `immutable`: it
    /// needs its WAL index (`-shm`) to exist (read-only is fine) or to be
    /// able to create it in the folder.
    private func canReadWithoutImmutable() -> Bool {
        FileManager.default.fileExists(atPath: database.path + "-shm") || access(database.deletingLastPathComponent().path, W_OK) == 0
    }

    private func open(_ guardState: QueryGuard, immutable: Bool) throws -> OpaquePointer {
        var path = database.path
        var flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        if immutable {
            let wal = (try? FileManager.default.attributesOfItem(atPath: database.path + "-wal")[.size] as? Int) ?? 0
            guard wal == 0 else {
                throw CasparianError(
                    .environment,
                    "cannot read \(database.path): it has changes not yet merged from its -wal file, and without its -shm file this user cannot read them (the folder is read-only)",
                    hint:
                        "run a casparian command there as a user who can write the folder (that merges the WAL), or copy .casparian/ somewhere writable"
                )
            }
            // immutable: no locks and no WAL index, which a read-only folder cannot hold.
            var components = URLComponents()
            components.scheme = "file"
            components.path = database.path
            components.queryItems = [URLQueryItem(name: "immutable", value: "1")]
            path = components.string ?? path
            flags |= SQLITE_OPEN_URI
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(rc)"
            sqlite3_close_v2(db)
            throw CasparianError(
                .environment, "cannot open \(database.path) read-only: \(message)",
                hint: "check that the file is a SQLite database and readable")
        }
        sqlite3_enable_load_extension(db, 0)
        sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0)
        sqlite3_busy_timeout(db, 5_000)
        let context = Unmanaged.passUnretained(guardState).toOpaque()
        sqlite3_set_authorizer(db, QueryGuard.authorize, context)
        sqlite3_progress_handler(db, 10_000, QueryGuard.progress, context)
        return db
    }

    private func collect(_ statement: OpaquePointer, db: OpaquePointer, guardState: QueryGuard) throws -> QueryResult {
        let width = Int(sqlite3_column_count(statement))
        let columns = (0..<width).map { String(cString: sqlite3_column_name(statement, Int32($0))) }
        var rows: [[QueryValue]] = []
        var bytes = 0
        var truncated = false
        var truncatedBy: QueryResult.Truncation?
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                if guardState.timedOut { throw timeLimitError() }
                throw CasparianError(
                    .usage, "the query failed: \(String(cString: sqlite3_errmsg(db)))",
                    hint: "check the SQL against the tables (`casparian output list`)")
            }
            if rows.count >= options.maxRows {
                truncated = true
                break
            }
            var row: [QueryValue] = []
            row.reserveCapacity(width)
            for i in 0..<Int32(width) {
                // Sized before it is copied: one cell may be a gigabyte.
                let size = Self.size(statement, i)
                if bytes + size > options.maxBytes {
                    guard rows.isEmpty else { break }
                    throw CasparianError(
                        .usage,
                        "the value in column \(columns[Int(i)]) of row 1 is \(size) bytes (as text), over the limit of \(options.maxBytes) bytes a query returns"
                            + (i > 0 ? " (with the columns before it)" : ""),
                        hint:
                            "select less of it, e.g. length(\(columns[Int(i)])) or substr(\(columns[Int(i)]), 1, 1000) (casparian query --max-bytes raises the limit)"
                    )
                }
                row.append(Self.value(statement, i))
                bytes += size
            }
            if row.count < width {
                truncated = true
                truncatedBy = .byteLimit
                break
            }
            rows.append(row)
        }
        return QueryResult(columns: columns, rows: rows, truncated: truncated, truncatedBy: truncatedBy)
    }

    /// What a value counts against `maxBytes`: its length as text (a blob as `0x` and hex digits).
    private static func size(_ s: OpaquePointer, _ i: Int32) -> Int {
        switch sqlite3_column_type(s, i) {
        case SQLITE_INTEGER, SQLITE_FLOAT: return 8
        case SQLITE_TEXT: return Int(sqlite3_column_bytes(s, i))
        case SQLITE_BLOB: return 2 + 2 * Int(sqlite3_column_bytes(s, i))
        default: return 1
        }
    }

    private static func value(_ s: OpaquePointer, _ i: Int32) -> QueryValue {
        switch sqlite3_column_type(s, i) {
        case SQLITE_INTEGER: return .int(sqlite3_column_int64(s, i))
        case SQLITE_FLOAT: return .double(sqlite3_column_double(s, i))
        case SQLITE_TEXT:
            guard let p = sqlite3_column_text(s, i) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i))), as: UTF8.self))
        case SQLITE_BLOB:
            guard let p = sqlite3_column_blob(s, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i)))))
        default: return .null
        }
    }

    private func timeLimitError() -> CasparianError {
        CasparianError(
            .usage,
            "query stopped: it ran longer than the time limit of \(options.timeLimit.formatted(.units(allowed: [.seconds, .milliseconds])))",
            hint: "narrow it (a WHERE, a LIMIT, fewer joins) or allow more time (--timeout SECONDS)")
    }
}
