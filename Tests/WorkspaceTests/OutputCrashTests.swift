import CasparianTestSupport
import Foundation
import GRDB
import Testing
import Workspace

/// A real process (`casparian-test-writer`) writing a real output.sqlite
/// through `OutputStore` is killed with SIGKILL in the middle of a file's
/// transaction; the database must hold every file either completely as
/// before or completely as after.
@Suite("Output store survives kill -9")
struct OutputCrashTests {
    static let files = 5
    static let rows = 100_000

    /// Runs `casparian-test-writer`; `onLine` sees each stdout line and
    /// returns true to SIGKILL the process right then.
    func writer(_ db: URL, run: String, onLine: (String) -> Bool = { _ in false }) throws -> (lines: [String], killed: Bool) {
        let process = try ProcessLaunch(
            BuiltProducts.testWriter, [db.path, "--files", "\(Self.files)", "--rows", "\(Self.rows)", "--run", run]
        ).start()
        defer { process.stop() }
        var lines: [String] = []
        while let line = try process.readLine() {
            lines.append(line)
            if onLine(line) {
                process.send(SIGKILL)
                break
            }
        }
        let result = try process.wait()
        #expect(result.signal == SIGKILL || result.status == 0, "\(result.stderr)")
        return (lines, result.signal == SIGKILL)
    }

    /// Per file: row count, distinct rows and the runs its rows carry.
    func state(_ db: URL) throws -> [String: (rows: Int, distinct: Int, runs: [String])] {
        try TestSupport.inspect(db) { db in
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            var result: [String: (Int, Int, [String])] = [:]
            for r in try Row.fetchAll(
                db,
                sql: """
                    SELECT _cf_file AS f, count(*) AS n, count(DISTINCT _cf_row) AS d, group_concat(DISTINCT _cf_run) AS runs
                    FROM synthetic GROUP BY _cf_file
                    """)
            {
                result[r["f"]] = (r["n"], r["d"], (r["runs"] as String).split(separator: ",").map(String.init))
            }
            return result
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func killedMidFileThenRerunGivesExactCounts() throws {
        let db = try TemporaryFolder.create("crash").appendingPathComponent("output.sqlite")
        let first = try writer(db, run: "run_1")
        #expect(first.lines.filter { $0.hasPrefix("committed") }.count == Self.files)

        // Kill the second run 20 ms into file_2's transaction (a 100,000-row
        // file takes far longer than that to insert).
        let second = try writer(db, run: "run_2") { line in
            if line == "begin file_2" {
                usleep(20_000)
                return true
            }
            return false
        }
        #expect(second.killed)
        let afterKill = try state(db)
        #expect(afterKill.count == Self.files)
        for f in 0..<Self.files {
            let s = try #require(afterKill["file_\(f)"])
            #expect(s.rows == Self.rows && s.distinct == Self.rows, "file_\(f): \(s.rows) rows, \(s.distinct) distinct")
            #expect(s.runs == [f < 2 ? "run_2" : "run_1"], "file_\(f) carries \(s.runs)")
        }

        let third = try writer(db, run: "run_3")
        #expect(!third.killed)
        let final = try state(db)
        #expect(final.count == Self.files)
        for f in 0..<Self.files {
            let s = try #require(final["file_\(f)"])
            #expect(s.rows == Self.rows && s.distinct == Self.rows && s.runs == ["run_3"])
        }
        let store = try OutputStore(url: db)
        #expect(try store.rowCount(table: "synthetic") == Self.files * Self.rows)
        #expect(try store.writtenFiles(plugin: "synthetic").values.allSatisfy { $0.run == "run_3" && $0.rows == Self.rows })
    }
}
