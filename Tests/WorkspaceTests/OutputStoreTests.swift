import CasparianCore
import Contracts
import Foundation
import GRDB
import Testing
import Workspace

@Suite("Output store")
struct OutputStoreTests {
    static let sales = LockedSchema(
        output: "sales",
        columns: [
            LockedColumn(name: "id", type: .int64, nullable: false),
            LockedColumn(name: "Amount", type: .float64, nullable: true, renameTo: "amount_eur"),
            LockedColumn(name: "day", type: .date, nullable: false),
            LockedColumn(name: "at", type: .timestampTZ, nullable: true),
            LockedColumn(name: "paid", type: .boolean, nullable: false),
            LockedColumn(name: "note", type: .string, nullable: true),
        ])
    static let refunds = LockedSchema(output: "refunds", columns: [LockedColumn(name: "id", type: .int64, nullable: false)])
    static let columns = ["id", "Amount", "day", "at", "paid", "note"]

    static func row(_ i: Int64, note: String? = nil) -> [CellValue] {
        [
            .int(i), .float(Double(i) + 0.5), .date(days: 19_723), .timestampTZ(micros: 1_700_000_000_000_000, offsetSeconds: 3600),
            .bool(i % 2 == 0), note.map(CellValue.string) ?? .null,
        ]
    }

    func write(
        _ store: OutputStore, _ outputs: PluginOutputs, file: String, run: String, rows: [[CellValue]],
        refunds: [[CellValue]] = [], quarantine: [QuarantinedValue] = []
    ) throws -> FileWriteSummary {
        var batches = [TestSupport.batch("sales", Self.columns, rows)]
        if !refunds.isEmpty { batches.append(TestSupport.batch("refunds", ["id"], refunds)) }
        return try store.writeFile(
            FileWrite(file: file, run: run, parserVersion: "1.0", batches: batches, quarantine: quarantine),
            outputs: outputs)
    }

    @Test func tablesAreTypedFromTheContractWithLineageAndNoIndexToMaintain() throws {
        let store = try TestSupport.outputStore()
        _ = try store.prepare(plugin: "shop", contractVersion: 1, schemas: [Self.sales, Self.refunds])
        let (columns, indexes, journal, page) = try TestSupport.inspect(store.url) { db in
            (
                try Row.fetchAll(db, sql: "PRAGMA table_info(sales)").map { "\($0["name"] as String) \($0["type"] as String)" },
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sales'"),
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA page_size")
            )
        }
        #expect(
            columns == [
                "id INTEGER", "amount_eur REAL", "day TEXT", "at TEXT", "paid INTEGER", "note TEXT",
                "_cf_file TEXT", "_cf_row INTEGER", "_cf_parser_version TEXT", "_cf_run TEXT",
            ])
        #expect(indexes.isEmpty, "a file's rows are found by their rowid range, not an index")
        #expect(journal == "wal")
        #expect(page == 16384)
        #expect(try store.tables().map(\.table) == ["refunds", "sales"])
    }

    @Test func valuesAreStoredAsTheContractSaysWithLineage() throws {
        let store = try TestSupport.outputStore()
        let outputs = try store.prepare(plugin: "shop", contractVersion: 1, schemas: [Self.sales])
        var early = Self.row(3)
        early[2] = .date(days: Int32(CivilDate(year: 999, month: 5, day: 3).daysSinceEpoch))
        var late = Self.row(4)
        late[2] = .date(days: Int32(CivilDate(year: 12_024, month: 12, day: 31).daysSinceEpoch))
        let summary = try write(store, outputs, file: "/data/a.csv", run: "run_1", rows: [Self.row(1, note: ""), Self.row(2), early, late])
        #expect(summary.rows == ["sales": 4])
        let rows = try TestSupport.inspect(store.url) { db in
            try Row.fetchAll(db, sql: "SELECT *, typeof(paid) AS tp FROM sales ORDER BY _cf_row")
        }
        #expect(rows.count == 4)
        #expect(rows[2]["day"] == "0999-05-03" && rows[3]["day"] == "12024-12-31")
        #expect(rows[0]["amount_eur"] == 1.5)
        #expect(rows[0]["day"] == "2024-01-01")
        #expect(rows[0]["at"] == "2023-11-14T23:13:20+01:00")
        #expect(rows[0]["paid"] == 0 && rows[0]["tp"] == "integer")
        #expect(rows[0]["note"] == "")
        #expect(rows[1]["note"] == nil as String?)
        #expect(rows[1]["_cf_file"] == "/data/a.csv" && rows[1]["_cf_row"] == 2)  // 1-based
        #expect(rows[1]["_cf_run"] == "run_1" && rows[1]["_cf_parser_version"] == "1.0")
        #expect(try store.lastWrite(plugin: "shop", file: "/data/a.csv")?.rows == 4)
    }

    @Test func rewritingAFileReplacesItsRowsInEveryTable() throws {
        let store = try TestSupport.outputStore()
        let outputs = try store.prepare(plugin: "shop", contractVersion: 1, schemas: [Self.sales, Self.refunds])
        _ = try write(store, outputs, file: "a", run: "run_1", rows: (0..<5).map { Self.row($0) }, refunds: [[.int(9)]])
        _ = try write(store, outputs, file: "b", run: "run_1", rows: [Self.row(100)])
        let again = try write(store, outputs, file: "a", run: "run_2", rows: (0..<3).map { Self.row($0) })
        #expect(again.replacedRows == 6)
        #expect(again.rows == ["sales": 3, "refunds": 0])
        let (perFile, refunds, runs) = try TestSupport.inspect(store.url) { db in
            (
                try Row.fetchAll(db, sql: "SELECT _cf_file AS f, count(*) AS n FROM sales GROUP BY f ORDER BY f").map {
                    "\($0["f"] as String)=\($0["n"] as Int)"
                },
                try Int.fetchOne(db, sql: "SELECT count(*) FROM refunds"),
                try String.fetchAll(db, sql: "SELECT DISTINCT _cf_run FROM sales WHERE _cf_file = 'a'")
            )
        }
        #expect(perFile == ["a=3", "b=1"])
        #expect(refunds == 0)
        #expect(runs == ["run_2"])
    }

    @Test func interleavedRewritesAndRemovalsTouchOnlyTheirOwnRows() throws {
        let store = try TestSupport.outputStore()
        let outputs = try store.prepare(plugin: "shop", contractVersion: 1, schemas: [Self.sales, Self.refunds])
        func rows(_ base: Int64, _ n: Int) -> [[CellValue]] { (0..<n).map { Self.row(base + Int64($0)) } }
        func state() throws -> [String: Int] {
            try TestSupport.inspect(store.url) { db in
                Dictionary(
                    uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT _cf_file, count(*) AS n FROM sales GROUP BY _cf_file").map {
                        ($0["_cf_file"] as String, $0["n"] as Int)
                    })
            }
        }
        _ = try write(store, outputs, file: "/a", run: "r1", rows: rows(0, 5), refunds: [[.int(1)]])
        _ = try write(store, outputs, file: "/b", run: "r1", rows: rows(100, 3))
        _ = try write(store, outputs, file: "/c", run: "r1", rows: rows(200, 4))
        // b grows, a shrinks and loses its refunds, c is removed: each touches only its own rows.
        _ = try write(store, outputs, file: "/b", run: "r2", rows: rows(100, 6))
        let a = try write(store, outputs, file: "/a", run: "r2", rows: rows(0, 2))
        #expect(a.replacedRows == 6)
        #expect(try store.removeFile(plugin: "shop", file: "/c") == 4)
        _ = try write(store, outputs, file: "/d", run: "r2", rows: rows(300, 1))
        #expect(try state() == ["/a": 2, "/b": 6, "/d": 1])
        #expect(try store.rowCount(table: "refunds") == 0)
        let b = try write(store, outputs, file: "/b", run: "r3", rows: rows(100, 1))
        #expect(b.replacedRows == 6)
        #expect(try state() == ["/a": 2, "/b": 1, "/d": 1])
    }

    @Test func filesWrittenByAnOlderVersionAreReplacedThroughItsLineageIndex() throws {
        let store = try TestSupport.outputStore()
        let outputs = try store.prepare(plugin: "shop", contractVersion: 1, schemas: [Self.sales, Self.refunds])
        _ = try write(store, outputs, file: "/a", run: "r1", rows: [Self.row(1)])
        // What a database of the previous version looks like: a lineage index, no ranges.
        let db = try DatabaseQueue(path: store.url.path)
        try db.write { db in
            try db.execute(sql: "CREATE INDEX _cf_idx_sales_file ON sales(_cf_file, _cf_row)")
            try db.execute(sql: "DELETE FROM _cf_file_rows")
            try db.execute(sql: "UPDATE _cf_file_writes SET row_ranges = 0")
        }
        try db.close()
        let again = try write(store, outputs, file: "/a", run: "r2", rows: [Self.row(2)])
        #expect(again.replacedRows == 1)
        #expect(try store.rowCount(table: "sales") == 1)
    }

    @Test func manyRowsGoInWithMultiRowStatementsInOrder() throws {
        let store = try TestSupport.outputStore()
        let outputs = try store.prepare(plugin: "shop", contractVersion: 1, schemas: [Self.sales, Self.refunds])
        let n = OutputStore.rowsPerStatement * 3 + 5
        _ = try write(store, outputs, file: "/a", run: "r1", rows: (0..<Int64(n)).map { Self.row($0, note: "n\($0)") })
        _ = try write(store, outputs, file: "/b", run: "r1", rows: (0..<Int64(n)).map { Self.row(1000 + $0) })
        let a = try TestSupport.inspect(store.url) { db in
            try Row.fetchAll(db, sql: "SELECT id, note, _cf_row, _cf_run FROM sales WHERE _cf_file = '/a' ORDER BY rowid")
                .map { "\($0["id"] as Int)/\($0["note"] as String)/\($0["_cf_row"] as Int)/\($0["_cf_run"] as String)" }
        }
        #expect(a == (0..<n).map { "\($0)/n\($0)/\($0 + 1)/r1" })
        // A bad value in the middle of a multi-row statement: the file fails whole, its old rows stay.
        var rows = (0..<Int64(n)).map { Self.row($0) }
        rows[OutputStore.rowsPerStatement + 3][0] = .string("x")
        #expect(throws: CasparianError.self) { try write(store, outputs, file: "/a", run: "r2", rows: rows) }
        let again = try write(store, outputs, file: "/a", run: "r3", rows: [Self.row(7)])
        #expect(again.replacedRows == n)
        #expect(try store.rowCount(table: "sales") == n + 1)
    }

    @Test func aBadValueFailsTheWholeFileAndKeepsThePreviousRows() throws {
        let store = try TestSupport.outputStore()
        let outputs = try store.prepare(plugin: "shop", contractVersion: 1, schemas: [Self.sales])
        _ = try write(store, outputs, file: "a", run: "run_1", rows: (0..<4).map { Self.row($0) })
        var bad = (0..<10).map { Self.row($0) }
        bad[7][2] = .string("2024-01-01")  // not normalised to a date (the 8th row: rows are 1-based)
        let error = #expect(throws: CasparianError.self) { try write(store, outputs, file: "a", run: "run_2", rows: bad) }
        #expect(error?.kind == .data)
        #expect(error?.message.contains("column day (date), row 8 of a") == true)
        #expect(try store.rowCount(table: "sales") == 4)
        #expect(try store.lastWrite(plugin: "shop", file: "a")?.run == "run_1")

        let unknown = FileWrite(
            file: "a", run: "run_3", parserVersion: "1",
            batches: [
                TestSupport.batch("sales", Self.columns, [Self.row(1)]), TestSupport.batch("other", ["x"], [[.int(1)]]),
            ])
        let e2 = #expect(throws: CasparianError.self) { try store.writeFile(unknown, outputs: outputs) }
        #expect(e2?.message.contains("output \"other\"") == true)
        #expect(try store.rowCount(table: "sales") == 4)
    }

    @Test func quarantinedValuesAreKeptPerFileAndReplaced() throws {
        let store = try TestSupport.outputStore()
        let outputs = try store.prepare(plugin: "shop", contractVersion: 1, schemas: [Self.sales])
        let q = QuarantinedValue(output: "sales", row: 3, column: "day", kind: "type", reason: "not a date", value: "31/02/2024")
        let s = try write(store, outputs, file: "a", run: "run_1", rows: [Self.row(1)], quarantine: [q, q])
        #expect(s.quarantined == 2)
        #expect(try store.quarantine(plugin: "shop", file: "a") == [q, q])
        _ = try write(store, outputs, file: "a", run: "run_2", rows: [Self.row(1)])
        #expect(try store.quarantine(plugin: "shop", file: "a").isEmpty)
        #expect(try store.rowCount(table: "_cf_quarantine") == 0)
    }

    @Test func aNullableColumnIsAddedAndIncompatibleChangesAreRefused() throws {
        let store = try TestSupport.outputStore()
        let v1 = try store.prepare(plugin: "shop", contractVersion: 1, schemas: [Self.sales])
        _ = try write(store, v1, file: "a", run: "run_1", rows: [Self.row(1)])

        var v2schema = Self.sales
        v2schema.columns.append(LockedColumn(name: "channel", type: .string, nullable: true))
        let v2 = try store.prepare(plugin: "shop", contractVersion: 2, schemas: [v2schema])
        #expect(v2.tables["sales"]?.columns.last?.name == "channel")
        let old: String? = try TestSupport.inspect(store.url) { db in try String.fetchOne(db, sql: "SELECT channel FROM sales") }
        #expect(old == nil)
        #expect(try store.rowCount(table: "sales") == 1)

        var required = v2schema
        required.columns.append(LockedColumn(name: "region", type: .string, nullable: false))
        let e1 = #expect(throws: CasparianError.self) { try store.prepare(plugin: "shop", contractVersion: 3, schemas: [required]) }
        #expect(e1?.kind == .conflict)
        #expect(e1?.message.contains("adds column region, which is not nullable") == true)
        #expect(e1?.hint?.contains("casparian output drop sales") == true)

        var retyped = v2schema
        retyped.columns[0].type = .string
        let e2 = #expect(throws: CasparianError.self) { try store.prepare(plugin: "shop", contractVersion: 3, schemas: [retyped]) }
        #expect(e2?.message.contains("column id holds int64 values and the contract now says string") == true)

        let e3 = #expect(throws: CasparianError.self) { try store.prepare(plugin: "other", contractVersion: 1, schemas: [Self.sales]) }
        #expect(e3?.message.contains("already holds the output of plugin shop") == true)

        // Dropping the table lets an incompatible contract rebuild it.
        try store.dropTable("sales")
        #expect(try store.lastWrite(plugin: "shop", file: "a") == nil)
        _ = try store.prepare(plugin: "shop", contractVersion: 3, schemas: [retyped])
    }

    @Test func reservedAndDuplicateNamesAreRefused() throws {
        let store = try TestSupport.outputStore()
        let reserved = LockedSchema(output: "x", columns: [LockedColumn(name: "_cf_file", type: .string, nullable: true)])
        #expect(throws: CasparianError.self) { try store.prepare(plugin: "p", contractVersion: 1, schemas: [reserved]) }
        let internalTable = LockedSchema(output: "_cf_quarantine", columns: [LockedColumn(name: "a", type: .string, nullable: true)])
        #expect(throws: CasparianError.self) { try store.prepare(plugin: "p", contractVersion: 1, schemas: [internalTable]) }
        let twice = LockedSchema(
            output: "x",
            columns: [
                LockedColumn(name: "a", type: .string, nullable: true),
                LockedColumn(name: "b", type: .string, nullable: true, renameTo: "A"),
            ])
        let e = #expect(throws: CasparianError.self) { try store.prepare(plugin: "p", contractVersion: 1, schemas: [twice]) }
        #expect(e?.message.contains("two columns named") == true)
        #expect(try store.tables().isEmpty)
    }
}
