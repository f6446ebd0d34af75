// libFuzzer target: the query guard. The input is SQL as a model or a
// person sends it to `casparian query` / the MCP `query` tool, run by
// ReadOnlyQuery over a small output database. Besides crashes and hangs,
// the target fails when the database changed: whatever the SQL, a query
// never writes.
import CasparianCore
import Foundation
import GRDBSQLite

let queryDatabase: URL = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("casparian-fuzz-query-\(getpid())")
    try? FileManager.default.removeItem(at: folder)
    try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent("output.sqlite")
    var db: OpaquePointer?
    precondition(sqlite3_open(url.path, &db) == SQLITE_OK, "cannot create \(url.path)")
    let schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE sales (id INTEGER PRIMARY KEY, day TEXT, amount REAL, note TEXT, _cf_file TEXT);
        CREATE INDEX sales_day ON sales(day);
        CREATE VIEW big_sales AS SELECT * FROM sales WHERE amount > 10;
        INSERT INTO sales (day, amount, note, _cf_file) VALUES
            ('2024-01-01', 12.5, 'a', 'x.csv'), ('2024-01-02', 3, NULL, 'x.csv'), ('2024-01-03', -1e300, 'ü', 'y.csv');
        PRAGMA wal_checkpoint(TRUNCATE);
        """
    precondition(sqlite3_exec(db, schema, nil, nil, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
    sqlite3_close(db)
    return url
}()

/// The bytes of the database and its WAL: a write would change them. A
/// reader may create the WAL (empty) and the WAL index (-shm, not compared).
/// Read with plain read(2): Foundation's FileManager.contents(atPath:)
/// reported leaks under LeakSanitizer (Foundation's buffers, not ours).
func databaseBytes() -> [[UInt8]] {
    [queryDatabase.path, queryDatabase.path + "-wal"].map { path in
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while case let n = chunk.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }), n > 0 {
            bytes += chunk[..<n]
        }
        return bytes
    }
}

let pristine = databaseBytes()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let sql = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let query = ReadOnlyQuery(database: queryDatabase, options: QueryOptions(maxRows: 50, maxBytes: 1 << 16, timeLimit: .milliseconds(200)))
    _ = try? query.run(sql)
    if databaseBytes() != pristine { fatalError("the query changed the database: \(sql)") }
    return 0
}
