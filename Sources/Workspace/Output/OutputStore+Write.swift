import CasparianCore
import Catalog
import Foundation
import GRDB
import GRDBSQLite

extension OutputStore {
    /// Replaces every row `write.file` has in every table of the plugin
    /// (including tables of outputs the new rows don't have) with the
    /// batches `next` gives as the file is parsed, replaces its quarantined
    /// values, and records the write — all in ONE transaction, so the file
    /// stays atomic and no more than a batch of it is in memory.
    /// `write.batches` and `write.quarantine` are ignored. Returns nil when
    /// rolled back.
    ///
    /// Values must already be normalised to the column's contract type:
    /// int64 columns take `.int`/`.bool`, float64 `.float`/`.int`/`.decimal`,
    /// boolean `.bool` (stored 0/1), string `.string`/`.decimal`, and the
    /// temporal types their own case (stored as ISO 8601 text). A value of
    /// any other kind is a caller bug and fails the whole file with a `data`
    /// error naming output, column, row and file; nothing is written.
    /// Columns a batch lacks are NULL; batch columns the contract does not
    /// name are ignored.
    public func writeFile(_ write: FileWrite, outputs: PluginOutputs, next: () -> StreamedRows) throws -> FileWriteSummary? {
        do {
            return try writeFileTransaction(write, outputs: outputs, next: next)
        } catch {
            throw mappingDiskFull(error, writing: "the rows of \(write.file)")
        }
    }

    private func writeFileTransaction(_ write: FileWrite, outputs: PluginOutputs, next: () -> StreamedRows) throws -> FileWriteSummary? {
        try pool.writeWithoutTransaction { db in
            var summary = FileWriteSummary(rows: [:], replacedRows: 0, quarantined: 0)
            var committed = false
            try db.inTransaction(.immediate) {
                summary.replacedRows = try deleteRows(db, plugin: outputs.plugin, file: write.file, tables: outputs.allTables)
                var ranges: [String: ClosedRange<Int64>] = [:]
                let drained = try StreamedRows.drain(next, file: write.file, outputs: outputs, summary: &summary) { batch, table in
                    if let r = try insert(db, batch: batch, into: table, write: write) {
                        ranges[table.table] =
                            ranges[table.table].map { min($0.lowerBound, r.lowerBound)...max($0.upperBound, r.upperBound) } ?? r
                    }
                }
                guard let quarantine = drained else { return .rollback }
                for (table, r) in ranges {
                    try db.execute(
                        sql: "INSERT INTO _cf_file_rows(plugin, file, table_name, first_rowid, last_rowid) VALUES (?, ?, ?, ?, ?)",
                        arguments: [outputs.plugin, write.file, table, r.lowerBound, r.upperBound])
                }
                var withQuarantine = write
                withQuarantine.quarantine = quarantine
                try insertQuarantine(db, plugin: outputs.plugin, write: withQuarantine)
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO _cf_file_writes(plugin, file, run, parser_version, fingerprint, rows, quarantined, written_at, row_ranges)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
                        """,
                    arguments: [
                        outputs.plugin, write.file, write.run, write.parserVersion, write.fingerprint,
                        summary.totalRows, summary.quarantined, Timestamp.now(),
                    ])
                committed = true
                return .commit
            }
            guard committed else { return nil }
            checkpointer.poke()
            return summary
        }
    }

    /// Removes every row, quarantined value and write record `file` has for
    /// `plugin` (a file that left the scope). Returns the rows removed.
    @discardableResult
    public func removeFile(plugin: String, file: String) throws -> Int {
        try pool.write { db in
            let tables = try String.fetchAll(db, sql: "SELECT table_name FROM _cf_outputs WHERE plugin = ?", arguments: [plugin])
            return try deleteRows(db, plugin: plugin, file: file, tables: tables)
        }
    }

    /// Deletes the file's rows: by their recorded rowid range, or (rows an
    /// older version wrote, with no range recorded) through the lineage
    /// index those versions created.
    private func deleteRows(_ db: Database, plugin: String, file: String, tables: [String]) throws -> Int {
        var removed = 0
        var ranges: [String: (Int64, Int64)] = [:]
        for r in try Row.fetchAll(
            db, sql: "SELECT table_name, first_rowid, last_rowid FROM _cf_file_rows WHERE plugin = ? AND file = ?",
            arguments: [plugin, file])
        {
            ranges[(r["table_name"] as String).lowercased()] = (r["first_rowid"], r["last_rowid"])
        }
        // A file has rows only when its write is recorded (both commit together).
        let record = try Row.fetchOne(
            db, sql: "SELECT row_ranges FROM _cf_file_writes WHERE plugin = ? AND file = ?", arguments: [plugin, file])
        for table in tables {
            if let (first, last) = ranges[table.lowercased()] {
                try db.execute(sql: "DELETE FROM \(SQLName.quote(table)) WHERE rowid BETWEEN ? AND ?", arguments: [first, last])
                removed += db.changesCount
            } else if let record, (record["row_ranges"] as Int) == 0 {
                // Written by a version that kept no ranges (and a lineage index).
                try db.execute(sql: "DELETE FROM \(SQLName.quote(table)) WHERE \(LineageColumn.file) = ?", arguments: [file])
                removed += db.changesCount
            }
        }
        try db.execute(sql: "DELETE FROM _cf_file_rows WHERE plugin = ? AND file = ?", arguments: [plugin, file])
        try db.execute(sql: "DELETE FROM _cf_quarantine WHERE plugin = ? AND file = ?", arguments: [plugin, file])
        try db.execute(sql: "DELETE FROM _cf_file_writes WHERE plugin = ? AND file = ?", arguments: [plugin, file])
        return removed
    }

    /// Inserts one batch through a prepared statement, binding directly on
    /// the statement handle (several times faster than GRDB's arguments).
    /// Rows per INSERT statement: one statement per row spends a third of
    /// the insert in per-statement work (step, reset, halt, cursor).
    public static let rowsPerStatement = 32

    /// Inserts one batch through prepared statements of `rowsPerStatement`
    /// rows (and one-row ones for the rest), binding directly on the
    /// statement handles (several times faster than GRDB's arguments).
    /// Returns the rowids the rows got (nil for an empty batch).
    private func insert(_ db: Database, batch: RowBatch, into table: OutputTable, write: FileWrite) throws -> ClosedRange<Int64>? {
        let n = table.columns.count
        let width = n + LineageColumn.all.count
        let sources = table.columns.map { c in batch.columnNames.firstIndex(of: c.source) }
        let bound = sources.enumerated().compactMap { j, i in i.map { (column: j, cells: batch.columns[$0], type: table.columns[j].type) } }
        let wide = max(1, min(Self.rowsPerStatement, 32_000 / width))  // SQLite allows 32,766 parameters
        var first: Int64?
        var r = 0
        for rowsPerStatement in [wide, 1] where batch.rowCount - r >= rowsPerStatement {
            let h = try insertStatement(db, table: table, rows: rowsPerStatement)
            // Lineage that is the same for every row, and columns the batch
            // lacks (NULL after clear_bindings), are bound once: reset keeps bindings.
            for slot in 0..<rowsPerStatement {
                let base = Int32(slot * width)
                bindText(write.file, h, base + Int32(n + 1))
                bindText(write.parserVersion, h, base + Int32(n + 3))
                bindText(write.run, h, base + Int32(n + 4))
            }
            while batch.rowCount - r >= rowsPerStatement {
                for slot in 0..<rowsPerStatement {
                    let row = r + slot
                    let base = Int32(slot * width)
                    for b in bound where !bind(b.cells[row], as: b.type, h, base + Int32(b.column + 1)) {
                        sqlite3_reset(h)
                        throw wrongTypeError(
                            table: table, column: table.columns[b.column], row: batch.firstRow + row + 1, value: b.cells[row],
                            file: write.file)
                    }
                    sqlite3_bind_int64(h, base + Int32(n + 2), Int64(batch.firstRow + row + 1))  // 1-based, like violations
                }
                let rc = sqlite3_step(h)
                guard rc == SQLITE_DONE else {
                    let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
                    sqlite3_reset(h)
                    if rc & 0xFF == SQLITE_FULL { throw diskFull(writing: "the rows of \(write.file)") }
                    throw CasparianError(
                        .environment,
                        "writing rows \(batch.firstRow + r + 1)–\(batch.firstRow + r + rowsPerStatement) of \(write.file) into table \(table.table) failed: \(message)",
                        hint: "check free disk space and that nothing else holds output.sqlite; the file's previous rows are kept")
                }
                sqlite3_reset(h)
                // One statement's rows get consecutive rowids, the largest plus one onwards.
                if first == nil { first = sqlite3_last_insert_rowid(db.sqliteConnection) - Int64(rowsPerStatement - 1) }
                r += rowsPerStatement
            }
        }
        guard let first else { return nil }
        return first...sqlite3_last_insert_rowid(db.sqliteConnection)
    }

    /// The cached INSERT of `rows` rows into `table`, reset with no bindings.
    private func insertStatement(_ db: Database, table: OutputTable, rows: Int) throws -> OpaquePointer {
        let names = (table.columns.map { SQLName.quote($0.name) } + LineageColumn.all).joined(separator: ", ")
        let tuple = "(" + Array(repeating: "?", count: table.columns.count + LineageColumn.all.count).joined(separator: ", ") + ")"
        let values = Array(repeating: tuple, count: rows).joined(separator: ", ")
        let h = try db.cachedStatement(sql: "INSERT INTO \(SQLName.quote(table.table)) (\(names)) VALUES \(values)").sqliteStatement
        sqlite3_reset(h)
        sqlite3_clear_bindings(h)
        return h
    }

    private func insertQuarantine(_ db: Database, plugin: String, write: FileWrite) throws {
        guard !write.quarantine.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO _cf_quarantine(plugin, run, file, "row", output, "column", kind, reason, value)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for q in write.quarantine {
            try statement.execute(arguments: [plugin, write.run, write.file, q.row, q.output, q.column, q.kind, q.reason, q.value])
        }
    }

    /// Binds one value as the column type stores it; false when the value
    /// is not of that type.
    @inline(__always)
    private func bind(_ value: CellValue, as type: DataType, _ h: OpaquePointer, _ i: Int32) -> Bool {
        switch (value, type) {
        case (.null, _), (.absent, _): sqlite3_bind_null(h, i)
        case (.int(let v), .int64), (.int(let v), .float64): sqlite3_bind_int64(h, i, v)
        case (.bool(let b), .boolean), (.bool(let b), .int64): sqlite3_bind_int64(h, i, b ? 1 : 0)
        case (.float(let d), .float64): sqlite3_bind_double(h, i, d)
        case (.decimal(let s), .float64):
            guard let d = Double(s) else { return false }
            sqlite3_bind_double(h, i, d)
        case (.string(let s), .string), (.decimal(let s), .string): bindText(s, h, i)
        case (.date(let days), .date): bindISODate(days, h, i)
        case (.time, .time), (.timestamp, .timestamp), (.timestampTZ, .timestampTZ):
            bindText(value.text ?? "", h, i)
        default: return false
        }
        return true
    }

    /// `YYYY-MM-DD` written straight into a small buffer: dates are common
    /// and building a String per value costs more than the insert.
    @inline(__always)
    private func bindISODate(_ days: Int32, _ h: OpaquePointer, _ i: Int32) {
        let d = CivilDate(daysSinceEpoch: Int(days))
        guard (0...9999).contains(d.year) else { return bindText(d.iso, h, i) }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 10) { buf in
            func put(_ value: Int, at start: Int, width: Int) {
                var v = value
                for k in stride(from: start + width - 1, through: start, by: -1) {
                    buf[k] = CChar(48 + v % 10)
                    v /= 10
                }
            }
            put(d.year, at: 0, width: 4)
            buf[4] = 45
            put(d.month, at: 5, width: 2)
            buf[7] = 45
            put(d.day, at: 8, width: 2)
            _ = sqlite3_bind_text(h, i, buf.baseAddress, 10, OutputStore.transient)
        }
    }

    @inline(__always)
    private func bindText(_ s: String, _ h: OpaquePointer, _ i: Int32) {
        var s = s
        s.withUTF8 { buf in
            if let base = buf.baseAddress {
                base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                    _ = sqlite3_bind_text(h, i, $0, Int32(buf.count), OutputStore.transient)
                }
            } else {
                _ = sqlite3_bind_text(h, i, "", 0, OutputStore.transient)
            }
        }
    }

    /// SQLite copies the bytes before the bind call returns.
    static var transient: sqlite3_destructor_type { unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self) }
}
