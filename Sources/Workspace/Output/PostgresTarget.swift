import CasparianCore
import Catalog
import Contracts
import Foundation
import Postgres

/// A PostgreSQL database: one table per output in one schema (the URL's
/// `search_path`, `--schema`, else `public`), typed from the contract
/// (bigint, double precision, boolean, date, time, timestamp, timestamptz,
/// text) with the lineage columns and an index on `_cf_file`; bookkeeping
/// in `_cf_outputs`, `_cf_file_writes` and `_cf_quarantine` beside them.
///
/// Each source file is one transaction: an advisory lock on the file (two
/// writers of one file take turns), its previous rows deleted by lineage,
/// its new rows sent with binary COPY as they arrive, its quarantine and
/// write record, committed. A killed process's transaction never commits,
/// so each file's rows are there exactly once, old or new.
public final class PostgresTarget: OutputTarget, @unchecked Sendable {
    public let spec: OutputTargetSpec
    public let schema: String
    let connection: PostgresConnection
    /// One connection, one statement at a time.
    private let lock = NSLock()

    /// Connects and (unless `readOnly`, for queries) makes sure the
    /// bookkeeping tables exist: a server that does not answer, a refused
    /// login or a schema that cannot be written fails here, before any file
    /// is parsed.
    public init(spec: OutputTargetSpec, readOnly: Bool = false) throws {
        self.spec = spec
        connection = try PostgresConnection(url: spec.location)
        let current = try connection.query("SELECT current_schema()").rows.first?.first ?? nil
        guard let schema = spec.schema ?? current else {
            throw CasparianError(
                .usage, "\(spec.description) has no schema to write to (its search_path names none that exists)",
                hint: "name one with --schema NAME")
        }
        self.schema = schema
        guard !readOnly else { return }
        do {
            // Several writers (nodes of a coordinated run) may set up one
            // schema at once: CREATE … IF NOT EXISTS alone races, so they take turns.
            try connection.execute("BEGIN; \(Self.setupLock)")
            try connection.execute("CREATE SCHEMA IF NOT EXISTS \(SQLName.quote(schema))")
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS \(q("_cf_outputs")) (
                    table_name text PRIMARY KEY, plugin text NOT NULL, output text NOT NULL,
                    contract_version integer NOT NULL, columns_json text NOT NULL,
                    created_at text NOT NULL, updated_at text NOT NULL);
                CREATE TABLE IF NOT EXISTS \(q("_cf_file_writes")) (
                    plugin text NOT NULL, file text NOT NULL, run text NOT NULL, parser_version text NOT NULL,
                    fingerprint text, rows bigint NOT NULL, quarantined bigint NOT NULL, written_at text NOT NULL,
                    PRIMARY KEY (plugin, file));
                CREATE TABLE IF NOT EXISTS \(q("_cf_quarantine")) (
                    id bigserial PRIMARY KEY, plugin text NOT NULL, run text NOT NULL, file text NOT NULL,
                    "row" bigint NOT NULL, output text NOT NULL, "column" text, kind text NOT NULL,
                    reason text NOT NULL, value text);
                CREATE INDEX IF NOT EXISTS _cf_quarantine_by_file ON \(q("_cf_quarantine")) (plugin, file);
                """)
            try connection.execute("COMMIT")
        } catch let e as PostgresError {
            try? connection.execute("ROLLBACK")
            throw CasparianError(
                .environment, "cannot set up the output tables in schema \(schema) of \(spec.description): \(e.message)",
                hint: e.sqlState == "42501"
                    ? "grant this user CREATE on the schema (GRANT CREATE ON SCHEMA \(schema) TO …), or choose another with --schema"
                    : "check the schema name and this user's rights on it")
        }
    }

    /// Taken by whoever creates or changes tables, for the rest of its transaction.
    static let setupLock = "SELECT pg_advisory_xact_lock(hashtext('casparian output setup'))"

    deinit {
        connection.close()
        for c in idle { c.close() }
    }

    /// Files are written on connections of their own, two at a time: the
    /// server stores one file's rows while it parses the next file's COPY
    /// (a server process uses one core).
    public var concurrentWrites: Int { 2 }

    /// Write connections not in use (guarded by `poolLock`).
    private var idle: [PostgresConnection] = []
    private let poolLock = NSLock()

    /// A connection for one file's write: an idle one, or a new one.
    private func checkOut() throws -> PostgresConnection {
        if let c = poolLock.withLock({ idle.popLast() }) { return c }
        return try PostgresConnection(url: spec.location)
    }

    /// Keeps a connection for the next write, unless it is not idle (lost).
    private func checkIn(_ c: PostgresConnection) {
        guard c.transactionStatus == .idle else { return c.close() }
        poolLock.withLock { idle.append(c) }
    }

    /// `schema`.`name`, quoted.
    private func q(_ name: String) -> String { "\(SQLName.quote(schema)).\(SQLName.quote(name))" }

    private static let sqlType: [DataType: String] = [
        .string: "text", .int64: "bigint", .float64: "double precision", .boolean: "boolean", .date: "date",
        .time: "time", .timestamp: "timestamp", .timestampTZ: "timestamptz",
    ]

    // MARK: - Tables

    public func prepare(plugin: String, contractVersion: Int, schemas: [LockedSchema]) throws -> PluginOutputs {
        let desired = try OutputTable.layouts(for: schemas, plugin: plugin)
        for t in desired {
            for name in [t.table] + t.columns.map(\.name) where name.utf8.count > 63 {
                throw CasparianError(
                    .usage, "\"\(name)\" is longer than PostgreSQL's 63-byte names (output \(t.output))",
                    hint: "give it a shorter name (rename_to in the contract, or in the parser)")
            }
        }
        return try lock.withLock {
            try transaction {
                _ = try connection.query(Self.setupLock)
                var tables: [String: OutputTable] = [:]
                for t in desired {
                    let now = Timestamp.now()
                    let owner = try connection.query(
                        "SELECT plugin, columns_json FROM \(q("_cf_outputs")) WHERE table_name = $1 FOR UPDATE", parameters: [t.table]
                    ).rows.first
                    if let owner {
                        guard owner[0] == plugin else {
                            throw CasparianError(
                                .conflict,
                                "table \"\(t.table)\" in \(spec.description) already holds the output of plugin \(owner[0] ?? "?"), not \(plugin)",
                                hint: "give this output another name in \(plugin)'s parser, or write \(plugin) to another schema (--schema)"
                            )
                        }
                        let existing = try JSONDecoder().decode([OutputColumn].self, from: Data((owner[1] ?? "[]").utf8))
                        let merged = try evolve(table: t, existing: existing, plugin: plugin, contractVersion: contractVersion)
                        _ = try connection.query(
                            "UPDATE \(q("_cf_outputs")) SET contract_version = $1, columns_json = $2, updated_at = $3 WHERE table_name = $4",
                            parameters: [String(contractVersion), try merged.jsonText(), now, t.table])
                    } else {
                        let exists = try connection.query("SELECT to_regclass($1) IS NOT NULL", parameters: [q(t.table)]).rows.first?.first
                        if exists == "t" {
                            throw CasparianError(
                                .conflict, "\(spec.description) already has a table \(schema).\(t.table) that Casparian did not create",
                                hint: "rename or drop that table, write to another schema (--schema), or give the output another name")
                        }
                        try create(t)
                        _ = try connection.query(
                            """
                            INSERT INTO \(q("_cf_outputs"))(table_name, plugin, output, contract_version, columns_json, created_at, updated_at)
                            VALUES ($1, $2, $3, $4, $5, $6, $6)
                            """, parameters: [t.table, plugin, t.output, String(contractVersion), try t.columns.jsonText(), now])
                    }
                    tables[t.output] = t
                }
                let all = try connection.query(
                    "SELECT table_name FROM \(q("_cf_outputs")) WHERE plugin = $1 ORDER BY table_name", parameters: [plugin]
                ).rows.compactMap { $0[0] }
                return PluginOutputs(plugin: plugin, contractVersion: contractVersion, tables: tables, allTables: all)
            }
        }
    }

    private func create(_ t: OutputTable) throws {
        let data = t.columns.map { "\(SQLName.quote($0.name)) \(Self.sqlType[$0.type]!)" }
        let lineage = [
            "\(LineageColumn.file) text NOT NULL", "\(LineageColumn.row) bigint NOT NULL",
            "\(LineageColumn.parserVersion) text NOT NULL", "\(LineageColumn.run) text NOT NULL",
        ]
        try connection.execute("CREATE TABLE \(q(t.table)) (\((data + lineage).joined(separator: ", ")))")
        // A file's rows are found (and replaced) by their lineage.
        try connection.execute("CREATE INDEX ON \(q(t.table)) (\(LineageColumn.file))")
    }

    /// Adds what the new contract needs (the rules of every target).
    private func evolve(table t: OutputTable, existing: [OutputColumn], plugin: String, contractVersion: Int) throws -> [OutputColumn] {
        let isEmpty = try connection.query("SELECT NOT EXISTS (SELECT 1 FROM \(q(t.table)))").rows.first?.first == "t"
        let added = try t.additions(
            to: existing, canAddRequired: isEmpty, plugin: plugin, contractVersion: contractVersion,
            label: "table \(schema).\(t.table)", rebuild: "`casparian output drop \(t.table) --target URL --schema \(schema)`")
        for c in added {
            try connection.execute("ALTER TABLE \(q(t.table)) ADD COLUMN \(SQLName.quote(c.name)) \(Self.sqlType[c.type]!)")
        }
        return existing + added
    }

    public func tables() throws -> [OutputTableInfo] {
        try lock.withLock {
            let owners = try connection.query(
                "SELECT table_name, plugin, output, contract_version FROM \(q("_cf_outputs")) ORDER BY table_name")
            return try owners.rows.map { r in
                let table = r[0] ?? ""
                let count = try connection.query("SELECT count(*) FROM \(q(table))").rows.first?.first ?? nil
                return OutputTableInfo(
                    table: table, plugin: r[1] ?? "", output: r[2] ?? "", contractVersion: Int(r[3] ?? "") ?? 0,
                    rows: Int(count ?? "") ?? 0)
            }
        }
    }

    public func dropTable(_ table: String) throws {
        try lock.withLock {
            try transaction {
                guard
                    let owner = try connection.query(
                        "SELECT plugin, table_name FROM \(q("_cf_outputs")) WHERE table_name = $1 FOR UPDATE", parameters: [table]
                    ).rows.first, let plugin = owner[0], let name = owner[1]
                else {
                    throw CasparianError(
                        .notFound, "\(spec.description) has no output table \"\(table)\" in schema \(schema)",
                        hint: "`casparian output list` shows the output tables of every target")
                }
                try connection.execute("DROP TABLE \(q(name))")
                _ = try connection.query("DELETE FROM \(q("_cf_outputs")) WHERE table_name = $1", parameters: [name])
                // The plugin's files are no longer completely written.
                _ = try connection.query("DELETE FROM \(q("_cf_file_writes")) WHERE plugin = $1", parameters: [plugin])
                _ = try connection.query("DELETE FROM \(q("_cf_quarantine")) WHERE plugin = $1", parameters: [plugin])
            }
        }
    }

    public func releaseSpace() {}

    // MARK: - Writes

    public func writtenFiles(plugin: String) throws -> [String: FileWriteRecord] {
        try lock.withLock {
            let rows = try connection.query(
                """
                SELECT plugin, file, run, parser_version, fingerprint, rows, quarantined, written_at
                FROM \(q("_cf_file_writes")) WHERE plugin = $1
                """, parameters: [plugin]
            ).rows
            var records: [String: FileWriteRecord] = [:]
            for r in rows {
                let record = FileWriteRecord(
                    plugin: r[0] ?? "", file: r[1] ?? "", run: r[2] ?? "", parserVersion: r[3] ?? "", fingerprint: r[4],
                    rows: Int(r[5] ?? "") ?? 0, quarantined: Int(r[6] ?? "") ?? 0, writtenAt: r[7] ?? "")
                records[record.file] = record
            }
            return records
        }
    }

    public func quarantine(plugin: String, file: String) throws -> [QuarantinedValue] {
        try lock.withLock {
            try connection.query(
                """
                SELECT output, "row", "column", kind, reason, value FROM \(q("_cf_quarantine"))
                WHERE plugin = $1 AND file = $2 ORDER BY id
                """, parameters: [plugin, file]
            ).rows.map { r in
                QuarantinedValue(
                    output: r[0] ?? "", row: Int(r[1] ?? "") ?? 0, column: r[2], kind: r[3] ?? "", reason: r[4] ?? "", value: r[5])
            }
        }
    }

    public func writeFile(_ write: FileWrite, outputs: PluginOutputs, next: () -> StreamedRows) throws -> FileWriteSummary? {
        let db = try checkOut()
        defer { checkIn(db) }
        var summary = FileWriteSummary(rows: [:], replacedRows: 0, quarantined: 0)
        let committed = try transaction(on: db) { () -> Bool in
            let key = Int64(bitPattern: StableHash.value("\(outputs.plugin)\u{0}\(write.file)".utf8))
            _ = try db.query("SELECT pg_advisory_xact_lock($1)", parameters: [String(key)])
            for table in outputs.allTables {
                summary.replacedRows +=
                    try db.query("DELETE FROM \(q(table)) WHERE \(LineageColumn.file) = $1", parameters: [write.file])
                    .affectedRows ?? 0
            }
            // One COPY per run of batches of one table (usually the whole
            // file): the server stores rows while the next batches arrive.
            let drained = try StreamedRows.drainRuns(next, file: write.file, outputs: outputs, summary: &summary) { table, nextInRun in
                try copy(nextInRun, into: table, write: write, on: db)
            }
            guard let quarantine = drained else { return false }
            _ = try db.query(
                "DELETE FROM \(q("_cf_quarantine")) WHERE plugin = $1 AND file = $2", parameters: [outputs.plugin, write.file])
            for v in quarantine {
                _ = try db.query(
                    """
                    INSERT INTO \(q("_cf_quarantine"))(plugin, run, file, "row", output, "column", kind, reason, value)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    """,
                    parameters: [outputs.plugin, write.run, write.file, String(v.row), v.output, v.column, v.kind, v.reason, v.value])
            }
            _ = try db.query(
                """
                INSERT INTO \(q("_cf_file_writes"))(plugin, file, run, parser_version, fingerprint, rows, quarantined, written_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (plugin, file) DO UPDATE SET run = excluded.run, parser_version = excluded.parser_version,
                    fingerprint = excluded.fingerprint, rows = excluded.rows, quarantined = excluded.quarantined,
                    written_at = excluded.written_at
                """,
                parameters: [
                    outputs.plugin, write.file, write.run, write.parserVersion, write.fingerprint, String(summary.totalRows),
                    String(quarantine.count), Timestamp.now(),
                ])
            return true
        }
        return committed ? summary : nil
    }

    /// Sends a run of batches of one table with one binary COPY, taking
    /// each batch as it arrives. A value of the wrong kind fails the file
    /// (the transaction rolls back).
    private func copy(_ nextInRun: () throws -> RowBatch?, into table: OutputTable, write: FileWrite, on db: PostgresConnection) throws {
        guard var batch = try nextInRun() else { return }
        let names = (table.columns.map { SQLName.quote($0.name) } + LineageColumn.all).joined(separator: ", ")
        let fieldCount = Int16(table.columns.count + LineageColumn.all.count)
        _ = try db.copyIn("COPY \(q(table.table)) (\(names)) FROM STDIN (FORMAT binary)") { out in
            while true {
                let sources = table.columns.map { c in batch.columnNames.firstIndex(of: c.source).map { batch.columns[$0] } }
                for row in 0..<batch.rowCount {
                    out.beginRow(fieldCount: fieldCount)
                    for (j, cells) in sources.enumerated() {
                        guard let cells else {
                            out.appendNull()
                            continue
                        }
                        guard Self.append(cells[row], as: table.columns[j].type, to: &out) else {
                            throw wrongTypeError(
                                table: table, column: table.columns[j], row: batch.firstRow + row + 1, value: cells[row], file: write.file)
                        }
                    }
                    out.appendText(write.file)
                    out.appendInt64(Int64(batch.firstRow + row + 1))
                    out.appendText(write.parserVersion)
                    out.appendText(write.run)
                }
                guard let following = try nextInRun() else { return }
                batch = following
            }
        }
    }

    /// Encodes one value as the column type; false when it is not of that type.
    @inline(__always)
    private static func append(_ value: CellValue, as type: DataType, to out: inout PostgresCopyWriter) -> Bool {
        switch (value, type) {
        case (.null, _), (.absent, _): out.appendNull()
        case (.int(let v), .int64): out.appendInt64(v)
        case (.bool(let b), .int64): out.appendInt64(b ? 1 : 0)
        case (.int(let v), .float64): out.appendDouble(Double(v))
        case (.float(let d), .float64): out.appendDouble(d)
        case (.decimal(let s), .float64):
            guard let d = Double(s) else { return false }
            out.appendDouble(d)
        case (.bool(let b), .boolean): out.appendBool(b)
        case (.string(let s), .string), (.decimal(let s), .string): out.appendText(s)
        case (.date(let days), .date): out.appendDate(daysSince1970: days)
        case (.time(let micros), .time): out.appendTime(microsSinceMidnight: micros)
        case (.timestamp(let micros), .timestamp): out.appendTimestamp(microsSince1970: micros)
        case (.timestampTZ(let micros, _), .timestampTZ): out.appendTimestamp(microsSince1970: micros)
        default: return false
        }
        return true
    }

    /// Runs `body` in a transaction: committed when it returns true (or
    /// any value), rolled back when it returns false or throws.
    private func transaction<T>(on db: PostgresConnection? = nil, _ body: () throws -> T) throws -> T {
        let connection = db ?? connection
        try connection.execute("BEGIN")
        do {
            let result = try body()
            if let ok = result as? Bool, !ok {
                try connection.execute("ROLLBACK")
            } else {
                try connection.execute("COMMIT")
            }
            return result
        } catch {
            try? connection.execute("ROLLBACK")
            if let e = error as? PostgresError {
                throw CasparianError(
                    .environment, "\(spec.description): \(e.message)\(e.detail.map { " (\($0))" } ?? "")",
                    hint: e.hint ?? "the file's previous rows are kept; check the server and run again")
            }
            throw error
        }
    }

    // MARK: - Reading

    /// Runs one read-only statement in a read-only transaction with a
    /// statement timeout, through a cursor so at most `maxRows + 1` rows
    /// are fetched.
    public func query(_ sql: String, options: QueryOptions) throws -> QueryResult {
        var statement = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        while statement.hasSuffix(";") { statement = String(statement.dropLast()).trimmingCharacters(in: .whitespacesAndNewlines) }
        let firstWord = statement.prefix { $0.isLetter }.lowercased()
        guard ["select", "with", "values", "table"].contains(firstWord) || statement.hasPrefix("(") else {
            throw CasparianError(
                .usage,
                "query refused: \(firstWord.isEmpty ? "that statement" : firstWord.uppercased()) is not a query; queries are read-only",
                hint: "ask with one SELECT (or WITH … SELECT, VALUES) over the tables of schema \(schema)")
        }
        let millis = max(
            1, Int(options.timeLimit.components.seconds * 1000 + options.timeLimit.components.attoseconds / 1_000_000_000_000_000))
        return try lock.withLock {
            try connection.execute("BEGIN READ ONLY")
            defer { try? connection.execute("ROLLBACK") }
            do {
                try connection.execute("SET LOCAL statement_timeout = \(millis)")
                try connection.execute("SET LOCAL search_path = \(SQLName.quote(schema))")
                _ = try connection.query("DECLARE _cf_query NO SCROLL CURSOR FOR \(statement)")
                let fetched = try connection.query("FETCH \(options.maxRows + 1) FROM _cf_query")
                return Self.result(fetched, options: options)
            } catch let e as PostgresError {
                let timedOut = e.sqlState == "57014"
                throw CasparianError(
                    .usage,
                    timedOut
                        ? "the query ran past its time limit (\(millis / 1000) s) and was cancelled"
                        : "query failed on \(spec.description): \(e.message)",
                    hint: timedOut
                        ? "narrow it (a WHERE clause, a LIMIT) or aggregate"
                        : e.sqlState == "25006"
                            ? "queries are read-only: ask with one SELECT over the output tables"
                            : "ask with ONE read-only statement (SELECT, WITH … SELECT, VALUES) over the tables of schema \(schema)")
            }
        }
    }

    /// PostgreSQL's text values as the JSON scalars results carry: integers
    /// and floats as numbers, booleans as true/false text, the rest as text.
    static func result(_ fetched: PostgresRows, options: QueryOptions) -> QueryResult {
        var rows: [[QueryValue]] = []
        var bytes = 0
        var truncatedBy: QueryResult.Truncation?
        for r in fetched.rows {
            if rows.count == options.maxRows {
                truncatedBy = .rowLimit
                break
            }
            let values = zip(r, fetched.typeOIDs).map { text, oid -> QueryValue in
                guard let text else { return .null }
                switch oid {
                case 20, 21, 23: return Int64(text).map { .int($0) } ?? .text(text)
                case 700, 701: return Double(text).map { .double($0) } ?? .text(text)
                case 1700: return Int64(text).map { .int($0) } ?? Double(text).map { .double($0) } ?? .text(text)
                case 16: return .text(text == "t" ? "true" : "false")
                default: return .text(text)
                }
            }
            let size = values.reduce(0) { $0 + ($1.text?.utf8.count ?? 0) + 8 }
            if bytes + size > options.maxBytes, !rows.isEmpty {
                truncatedBy = .byteLimit
                break
            }
            bytes += size
            rows.append(values)
        }
        return QueryResult(columns: fetched.columns, rows: rows, truncated: truncatedBy != nil, truncatedBy: truncatedBy)
    }
}
