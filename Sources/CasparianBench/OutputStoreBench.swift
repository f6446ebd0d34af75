import CasparianCore
import Contracts
import Foundation
import GRDBSQLite
import Workspace

/// OutputStore.writeFile against the same rows bound one row per statement straight through the
/// sqlite3 C API into an identical table (same pragmas and page size, no
/// index, one transaction per file), measured in the same run.
enum OutputStoreBench {
    static let files = 20
    static let rowsPerFile = 50_000
    static let schema = LockedSchema(
        output: "sales",
        columns: [
            LockedColumn(name: "id", type: .int64, nullable: false),
            LockedColumn(name: "customer", type: .string, nullable: false),
            LockedColumn(name: "amount", type: .float64, nullable: true),
            LockedColumn(name: "day", type: .date, nullable: false),
            LockedColumn(name: "paid", type: .boolean, nullable: false),
        ])

    static func batches() -> [RowBatch] {
        (0..<files).map { f in
            var b = RowBatch(output: "sales", columnNames: schema.columns.map(\.name))
            b.columns[0] = (0..<rowsPerFile).map { .int(Int64(f * rowsPerFile + $0)) }
            b.columns[1] = (0..<rowsPerFile).map { .string("customer-\($0 % 5000)") }
            b.columns[2] = (0..<rowsPerFile).map { $0 % 17 == 0 ? .null : .float(Double($0) * 0.25) }
            b.columns[3] = (0..<rowsPerFile).map { .date(days: Int32(18_000 + $0 % 1500)) }
            b.columns[4] = (0..<rowsPerFile).map { .bool($0 & 1 == 0) }
            return b
        }
    }

    static func run() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casparian-bench-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = batches()
        let total = files * rowsPerFile

        let raw = try measure { try rawInsert(data, path: dir.appendingPathComponent("raw.sqlite").path) }
        let store = try OutputStore(url: dir.appendingPathComponent("output.sqlite"))
        let outputs = try store.prepare(plugin: "bench", contractVersion: 1, schemas: [schema])
        let first = try measure {
            for (f, b) in data.enumerated() {
                try store.writeFile(
                    FileWrite(file: "/data/file_\(f).csv", run: "run_1", parserVersion: "1", batches: [b]), outputs: outputs)
            }
        }
        // Re-writing every file: deletes the old rows first.
        let rewrite = try measure {
            for (f, b) in data.enumerated() {
                try store.writeFile(
                    FileWrite(file: "/data/file_\(f).csv", run: "run_2", parserVersion: "1", batches: [b]), outputs: outputs)
            }
        }
        let written = try store.rowCount(table: "sales")
        precondition(written == total, "\(written) rows written, expected \(total)")
        func rate(_ s: Double) -> String { String(format: "%.2fM rows/s", Double(total) / s / 1e6) }
        print("output store: \(total) rows (\(files) files x \(rowsPerFile), 5 columns + lineage)")
        print(
            "output store: raw sqlite3 bind baseline (one row per statement) \(rate(raw)), writeFile \(rate(first)), re-write (replace) \(rate(rewrite))"
        )
        print(String(format: "output store: writeFile / raw baseline = %.2fx of the baseline's speed", raw / first))
    }

    static func measure(_ body: () throws -> Void) throws -> Double {
        let start = ContinuousClock.now
        try body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// The baseline: the same table and rows through the C API directly.
    static func rawInsert(_ data: [RowBatch], path: String) throws {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw CasparianError(.internal, "cannot open \(path)") }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) {
            precondition(sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
        }
        exec("PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
        exec(
            """
            CREATE TABLE sales (id INTEGER, customer TEXT, amount REAL, day TEXT, paid INTEGER,
                _cf_file TEXT NOT NULL, _cf_row INTEGER NOT NULL, _cf_parser_version TEXT NOT NULL, _cf_run TEXT NOT NULL)
            """)
        var stmt: OpaquePointer?
        sqlite3_prepare_v2(db, "INSERT INTO sales VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &stmt, nil)
        defer { sqlite3_finalize(stmt) }
        let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
        func text(_ s: String, _ i: Int32) {
            var s = s
            s.withUTF8 { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) {
                    _ = sqlite3_bind_text(stmt, i, $0, Int32(b.count), transient)
                }
            }
        }
        func date(_ days: Int32, _ i: Int32) {  // YYYY-MM-DD without a String
            let d = CivilDate(daysSinceEpoch: Int(days))
            var buf: (CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar) = (0, 0, 0, 0, 45, 0, 0, 45, 0, 0)
            withUnsafeMutableBytes(of: &buf) { raw in
                let p = raw.bindMemory(to: CChar.self)
                for (start, width, value) in [(0, 4, d.year), (5, 2, d.month), (8, 2, d.day)] {
                    var v = value
                    for k in stride(from: start + width - 1, through: start, by: -1) {
                        p[k] = CChar(48 + v % 10)
                        v /= 10
                    }
                }
                _ = sqlite3_bind_text(stmt, i, p.baseAddress, 10, transient)
            }
        }
        for (f, b) in data.enumerated() {
            exec("BEGIN IMMEDIATE")
            text("/data/file_\(f).csv", 6)
            text("1", 8)
            text("run_1", 9)
            for r in 0..<b.rowCount {
                for c in 0..<5 {
                    switch b.columns[c][r] {
                    case .int(let v): sqlite3_bind_int64(stmt, Int32(c + 1), v)
                    case .string(let s): text(s, Int32(c + 1))
                    case .float(let d): sqlite3_bind_double(stmt, Int32(c + 1), d)
                    case .bool(let v): sqlite3_bind_int64(stmt, Int32(c + 1), v ? 1 : 0)
                    case .date(let days): date(days, Int32(c + 1))
                    default: sqlite3_bind_null(stmt, Int32(c + 1))
                    }
                }
                sqlite3_bind_int64(stmt, 7, Int64(r))
                precondition(sqlite3_step(stmt) == SQLITE_DONE)
                sqlite3_reset(stmt)
            }
            exec("COMMIT")
        }
    }
}
