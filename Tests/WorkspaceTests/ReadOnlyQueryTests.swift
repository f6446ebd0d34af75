import CasparianCore
import CasparianTestSupport
import Contracts
import Foundation
import Testing
import Workspace

@Suite("Read-only query")
struct ReadOnlyQueryTests {
    /// An output database with a `sales` table of 50 rows.
    static func database() throws -> URL {
        let store = try TestSupport.outputStore()
        let schema = LockedSchema(
            output: "sales",
            columns: [
                LockedColumn(name: "id", type: .int64, nullable: false),
                LockedColumn(name: "amount", type: .float64, nullable: true),
                LockedColumn(name: "day", type: .date, nullable: false),
            ])
        let outputs = try store.prepare(plugin: "shop", contractVersion: 1, schemas: [schema])
        let rows: [[CellValue]] = (0..<50).map { [.int(Int64($0)), $0 == 3 ? .null : .float(Double($0) / 2), .date(days: 19_723)] }
        try store.writeFile(
            FileWrite(
                file: "/d/a.csv", run: "run_1", parserVersion: "1",
                batches: [TestSupport.batch("sales", ["id", "amount", "day"], rows)]), outputs: outputs)
        return store.url
    }

    func refused(_ sql: String, _ fragment: String, options: QueryOptions = QueryOptions()) throws {
        let db = try Self.database()
        let error = #expect(throws: CasparianError.self, "\(sql)") { try ReadOnlyQuery(database: db, options: options).run(sql) }
        #expect(error?.message.contains(fragment) == true, "\(sql): \(error?.message ?? "no error")")
        #expect(error?.hint != nil)
        #expect(try ReadOnlyQuery(database: db).run("SELECT count(*) FROM sales").rows == [[.int(50)]], "data changed by \(sql)")
    }

    @Test func aSelectReturnsColumnsAndJSONScalars() throws {
        let db = try Self.database()
        let r = try ReadOnlyQuery(database: db).run(
            "SELECT id, amount, day, _cf_file FROM sales WHERE id IN (2, 3) ORDER BY id -- two rows")
        #expect(r.columns == ["id", "amount", "day", "_cf_file"])
        #expect(
            r.rows == [
                [.int(2), .double(1.0), .text("2024-01-01"), .text("/d/a.csv")], [.int(3), .null, .text("2024-01-01"), .text("/d/a.csv")],
            ])
        #expect(!r.truncated && r.rowCount == 2)
        let json = String(decoding: try JSONEncoder().encode(r), as: UTF8.self)
        #expect(json.contains("\"rows\":[[2,1,\"2024-01-01\",\"\\/d\\/a.csv\"],[3,null,"))
        #expect(json.contains("\"row_count\":2"))
        let blob = try ReadOnlyQuery(database: db).run("SELECT x'00ff' AS b, 1e999 AS big; /* trailing */ ;")
        #expect(String(decoding: try JSONEncoder().encode(blob.rows), as: UTF8.self) == "[[\"0x00ff\",\"inf\"]]")
    }

    @Test func rowAndByteCapsSetTruncated() throws {
        let db = try Self.database()
        let rows = try ReadOnlyQuery(database: db, options: QueryOptions(maxRows: 10)).run("SELECT * FROM sales")
        #expect(rows.rowCount == 10 && rows.truncated)
        let exact = try ReadOnlyQuery(database: db, options: QueryOptions(maxRows: 50)).run("SELECT * FROM sales")
        #expect(exact.rowCount == 50 && !exact.truncated)
        let bytes = try ReadOnlyQuery(database: db, options: QueryOptions(maxBytes: 100)).run("SELECT _cf_file FROM sales")
        #expect(bytes.truncated && bytes.rowCount == 12)  // 8 bytes per path: 12 rows fit in 100
    }

    /// `zeroblob(9e8)` ×3 once aborted the process: each cell was copied
    /// (and hex-encoded) before the cap was looked at.
    @Test func aCellOverTheByteCapIsAClearErrorAndIsNeverCopied() throws {
        let db = try Self.database()
        let error = #expect(throws: CasparianError.self) {
            try ReadOnlyQuery(database: db).run("SELECT 1 AS a, zeroblob(900000000) AS big, zeroblob(900000000)")
        }
        #expect(error?.message.contains("column big of row 1") == true, "\(error?.message ?? "no error")")
        #expect(error?.message.contains("1800000002 bytes") == true, "\(error?.message ?? "no error")")
        #expect(error?.hint?.contains("length(") == true)
        // A later row over the cap ends the result early instead, and says why.
        let later = try ReadOnlyQuery(database: db, options: QueryOptions(maxBytes: 1_000))
            .run("SELECT CASE WHEN id < 5 THEN 'x' ELSE zeroblob(10000000) END FROM sales")
        #expect(later.rowCount == 5 && later.truncated && later.truncatedBy == .byteLimit)
        let rows = try ReadOnlyQuery(database: db, options: QueryOptions(maxRows: 3)).run("SELECT id FROM sales")
        #expect(rows.truncatedBy == .rowLimit)
    }

    @Test func schemaIntrospectionIsAllowed() throws {
        let db = try Self.database()
        let info = try ReadOnlyQuery(database: db).run("PRAGMA table_info(sales)")
        #expect(
            info.rows.map { $0[1] } == [
                .text("id"), .text("amount"), .text("day"), .text("_cf_file"), .text("_cf_row"),
                .text("_cf_parser_version"), .text("_cf_run"),
            ])
        let tables = try ReadOnlyQuery(database: db).run("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sales'")
        #expect(tables.rows == [[.text("sales")]])
    }

    @Test func dropIsRefused() throws { try refused("DROP TABLE sales", "changing the schema") }
    @Test func aSecondStatementIsRefused() throws { try refused("SELECT 1; DELETE FROM sales", "only one SQL statement") }
    @Test func deleteIsRefused() throws { try refused("DELETE FROM sales", "DELETE from sales") }
    @Test func insertIsRefused() throws { try refused("INSERT INTO sales(id) VALUES (1)", "INSERT into sales") }
    @Test func attachIsRefused() throws { try refused("ATTACH DATABASE '/tmp/evil.sqlite' AS evil", "ATTACH") }
    @Test func writableSchemaIsRefused() throws { try refused("PRAGMA writable_schema=1", "PRAGMA writable_schema = 1") }
    @Test func pragmaWritesAreRefused() throws { try refused("PRAGMA user_version = 7", "PRAGMA user_version = 7") }
    @Test func loadExtensionIsRefused() throws { try refused("SELECT load_extension('/tmp/evil.so')", "load_extension()") }
    @Test func transactionsAreRefused() throws { try refused("BEGIN IMMEDIATE", "transaction") }
    @Test func tempTablesAreRefused() throws { try refused("CREATE TEMP TABLE t AS SELECT * FROM sales", "changing the schema") }
    @Test func vacuumIntoIsRefused() throws {
        let target = try TemporaryFolder.create("vacuum").appendingPathComponent("copy.sqlite")
        try refused("VACUUM INTO '\(target.path)'", "refused")
        #expect(!FileManager.default.fileExists(atPath: target.path))
    }
    @Test func anEmptyQueryIsAnError() throws { try refused("  -- nothing\n", "empty") }
    @Test func badSQLSaysWhatSQLiteSaid() throws { try refused("SELEC * FROM sales", "SQL error: near \"SELEC\"") }

    @Test(.timeLimit(.minutes(3)))
    func aRecursiveCTEThatNeverEndsIsStopped() throws {
        let sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        let start = ContinuousClock.now
        try refused(sql, "time limit", options: QueryOptions(timeLimit: .milliseconds(300)))
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test func aMissingDatabaseSaysWhatToRun() throws {
        let missing = try TemporaryFolder.create("q").appendingPathComponent("output.sqlite")
        let error = #expect(throws: CasparianError.self) { try ReadOnlyQuery(database: missing).run("SELECT 1") }
        #expect(error?.kind == .notFound)
        #expect(error?.hint?.contains("casparian run") == true)
    }
}
