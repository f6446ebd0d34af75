import CasparianCore
import Contracts
import Foundation
import GRDBSQLite
import Workspace

/// OutputStore.writeFile against the same rows bound straight through the
/// sqlite3 C API into an identical table with the store's write policy:
/// the same pragmas and page size, no index, one transaction per file,
/// INSERTs of `OutputStore.rowsPerStatement` rows, automatic checkpoints
/// off and a PASSIVE checkpoint on a second connection on a thread of its
/// own after each commit. What differs: the baseline does none of the
/// store's per-file bookkeeping (looking up the file's previous rows to
/// replace, recording its rowid range and its write). Each side writes a
/// new database in each run (a first load); re-writing every file (a
/// replace) is printed for information.
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
        var runs = 0
        func fresh(_ name: String) -> URL {
            runs += 1
            let url = dir.appendingPathComponent("\(name)-\(runs).sqlite")
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: url.path + suffix) }
            return url
        }
        func writeAll(_ store: OutputStore, _ outputs: PluginOutputs, run: String) throws {
            for (f, b) in data.enumerated() {
                try store.writeFile(FileWrite(file: "/data/file_\(f).csv", run: run, parserVersion: "1", batches: [b]), outputs: outputs)
            }
        }
        var rewrite = 0.0
        let pairs = try PairedTiming.pairs(
            5,
            baseline: {
                let url = fresh("raw")
                defer { removeDatabase(url) }
                return try rawInsert(data, path: url.path)
            },
            measured: {
                let url = fresh("output")
                defer { removeDatabase(url) }
                let store = try OutputStore(url: url)
                let outputs = try store.prepare(plugin: "bench", contractVersion: 1, schemas: [schema])
                let first = try PairedTiming.wall { try writeAll(store, outputs, run: "run_1") }
                // Re-writing every file: deletes the old rows first.
                rewrite = try PairedTiming.wall { try writeAll(store, outputs, run: "run_2") }
                let written = try store.rowCount(table: "sales")
                precondition(written == total, "\(written) rows written, expected \(total)")
                return first
            })
        func rate(_ s: Double) -> String { String(format: "%.2fM rows/s", Double(total) / s / 1e6) }
        let raw = pairs.map(\.baseline).sorted()[pairs.count / 2]
        let first = pairs.map(\.measured).sorted()[pairs.count / 2]
        print("output store: \(total) rows (\(files) files x \(rowsPerFile), 5 columns + lineage), median runs:")
        print(
            "output store: raw sqlite3 baseline (\(OutputStore.rowsPerStatement) rows per INSERT, checkpoints on a thread) \(rate(raw)), writeFile \(rate(first)), re-write (replace) \(rate(rewrite)) (last run)"
        )
        try PairedTiming.report(pairs, info: ["rows": Double(total)])
    }

    static func removeDatabase(_ url: URL) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: url.path + suffix) }
    }

    /// The baseline: the same table and rows through the C API directly,
    /// with the store's statements and checkpoint policy. Returns the
    /// seconds of the writes (as the store's side: not opening or closing).
    static func rawInsert(_ data: [RowBatch], path: String) throws -> Double {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw CasparianError(.internal, "cannot open \(path)") }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) {
            precondition(sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
        }
        exec("PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0")
        exec(
            """
            CREATE TABLE sales (id INTEGER, customer TEXT, amount REAL, day TEXT, paid INTEGER,
                _cf_file TEXT NOT NULL, _cf_row INTEGER NOT NULL, _cf_parser_version TEXT NOT NULL, _cf_run TEXT NOT NULL)
            """)
        let checkpoints = RawCheckpointer(path: path)
        defer { checkpoints.finish() }
        let width = 9
        let rowsPerStatement = OutputStore.rowsPerStatement
        func prepare(rows: Int) -> OpaquePointer? {
            let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
            var stmt: OpaquePointer?
            let sql = "INSERT INTO sales VALUES " + Array(repeating: tuple, count: rows).joined(separator: ", ")
            precondition(sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
            return stmt
        }
        let wide = prepare(rows: rowsPerStatement)
        let single = prepare(rows: 1)
        defer {
            sqlite3_finalize(wide)
            sqlite3_finalize(single)
        }
        let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
        func text(_ s: String, _ stmt: OpaquePointer?, _ i: Int32) {
            var s = s
            s.withUTF8 { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) {
                    _ = sqlite3_bind_text(stmt, i, $0, Int32(b.count), transient)
                }
            }
        }
        func date(_ days: Int32, _ stmt: OpaquePointer?, _ i: Int32) {  // YYYY-MM-DD without a String
            let d = CivilDate(daysSinceEpoch: Int(days))
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: 10) { p in
                func put(_ value: Int, at start: Int, width: Int) {
                    var v = value
                    for k in stride(from: start + width - 1, through: start, by: -1) {
                        p[k] = CChar(48 + v % 10)
                        v /= 10
                    }
                }
                put(d.year, at: 0, width: 4)
                p[4] = 45
                put(d.month, at: 5, width: 2)
                p[7] = 45
                put(d.day, at: 8, width: 2)
                _ = sqlite3_bind_text(stmt, i, p.baseAddress, 10, transient)
            }
        }
        let start = ContinuousClock.now
        for (f, b) in data.enumerated() {
            exec("BEGIN IMMEDIATE")
            var r = 0
            for (stmt, rows) in [(wide, rowsPerStatement), (single, 1)] {
                for slot in 0..<rows {
                    let base = Int32(slot * width)
                    text("/data/file_\(f).csv", stmt, base + 6)
                    text("1", stmt, base + 8)
                    text("run_1", stmt, base + 9)
                }
                while b.rowCount - r >= rows {
                    for slot in 0..<rows {
                        let base = Int32(slot * width)
                        for c in 0..<5 {
                            let i = base + Int32(c + 1)
                            switch b.columns[c][r + slot] {
                            case .int(let v): sqlite3_bind_int64(stmt, i, v)
                            case .string(let s): text(s, stmt, i)
                            case .float(let d): sqlite3_bind_double(stmt, i, d)
                            case .bool(let v): sqlite3_bind_int64(stmt, i, v ? 1 : 0)
                            case .date(let days): date(days, stmt, i)
                            default: sqlite3_bind_null(stmt, i)
                            }
                        }
                        sqlite3_bind_int64(stmt, base + 7, Int64(r + slot + 1))
                    }
                    precondition(sqlite3_step(stmt) == SQLITE_DONE)
                    sqlite3_reset(stmt)
                    r += rows
                }
            }
            exec("COMMIT")
            checkpoints.poke()
        }
        return PairedTiming.seconds(ContinuousClock.now - start)
    }
}

/// The store's checkpoint policy for the baseline: a PASSIVE checkpoint on a
/// connection and serial queue of its own after each commit, pokes merged
/// while one is queued.
final class RawCheckpointer: @unchecked Sendable {
    private let queue = DispatchQueue(label: "bench.raw-checkpoint")
    private let lock = NSLock()
    private var queued = false  // guarded by lock
    private var db: OpaquePointer?  // used on `queue` only

    init(path: String) {
        queue.sync {
            precondition(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK)
            sqlite3_busy_timeout(db, 1000)
        }
    }

    func poke() {
        let start = lock.withLock { () -> Bool in
            defer { queued = true }
            return !queued
        }
        guard start else { return }
        queue.async { [self] in
            lock.withLock { queued = false }
            sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
    }

    func finish() { queue.sync { _ = sqlite3_close_v2(db) } }
}
