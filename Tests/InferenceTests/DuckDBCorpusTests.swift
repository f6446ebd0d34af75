import CasparianCore
import CasparianTestSupport
import Foundation
import Testing

@testable import Inference

/// `../shared/corpora/duckdb-csv/`: expected types and formats for files we
/// checked by hand, and no crash or hang on any file of the folder.
@Suite("DuckDB CSV corpus", Corpora.trait)
struct DuckDBCorpusTests {
    struct Expect: Sendable, CustomStringConvertible {
        var file: String
        var column: String
        var type: DataType
        var format: String? = nil
        var nullable: Bool? = nil
        var sentinels: Set<String>? = nil
        var description: String { "\(file) \(column)" }
    }

    static let expectations: [Expect] = [
        Expect(file: "auto_date/date_example_1.csv", column: "date_example", type: .date, format: "%Y-%m-%d"),
        Expect(file: "auto_date/date_example_2.csv", column: "date_example", type: .date, format: "%m/%d/%y"),
        Expect(file: "auto_date/device_metadata_1.csv", column: "installation_date", type: .date, format: "%Y-%m-%d"),
        Expect(file: "auto_date/device_metadata_1.csv", column: "is_active", type: .boolean),
        Expect(file: "auto_date/device_metadata_1.csv", column: "expected_lifetime_months", type: .int64),
        Expect(file: "auto_date/device_metadata_1.csv", column: "firmware_version", type: .string),
        Expect(file: "dateformat/working.csv", column: "FILING_DATE", type: .date, format: "%d-%b-%Y"),
        Expect(file: "dateformat/not_working.csv", column: "FILING_DATE", type: .date, format: "%d-%b-%Y"),
        Expect(file: "dateformat/not_working.csv", column: "ACCESSION_NUMBER", type: .string),
        Expect(file: "null/multiple_nulls.csv", column: "age", type: .int64, nullable: true, sentinels: ["null"]),
        Expect(file: "null/multiple_nulls.csv", column: "height", type: .float64, nullable: true, sentinels: ["", "none"]),
        Expect(file: "null/multiple_quoted_nulls.csv", column: "age", type: .int64, nullable: true),
        Expect(file: "null/multiple_quoted_nulls.csv", column: "height", type: .float64, nullable: true),
        Expect(file: "null/hive_partition_null_overwrite.csv", column: "symbol", type: .string, nullable: true),
        Expect(file: "null/hive_partition_null_overwrite.csv", column: "payload", type: .float64, nullable: false),
        Expect(file: "real/lineitem_sample.csv", column: "column0", type: .int64),
        Expect(file: "real/lineitem_sample.csv", column: "column5", type: .float64),
        Expect(file: "real/lineitem_sample.csv", column: "column10", type: .date, format: "%Y-%m-%d"),
        Expect(file: "real/lineitem_sample.csv", column: "column13", type: .string, nullable: false),
        Expect(file: "real/web_page.csv", column: "column2", type: .date, format: "%Y-%m-%d"),
        Expect(file: "real/web_page.csv", column: "column3", type: .date, format: "%Y-%m-%d", nullable: true),
        Expect(file: "real/web_page.csv", column: "column6", type: .boolean),
        Expect(file: "real/ontime_sample.csv", column: "FlightDate", type: .date, format: "%Y-%m-%d"),
        Expect(file: "real/ontime_sample.csv", column: "DepDelay", type: .float64),
        Expect(file: "real/voter.tsv", column: "registr_dt", type: .date, format: "%m/%d/%Y"),
        Expect(file: "real/voter.tsv", column: "birth_age", type: .int64),
        Expect(file: "real/ncvoter.csv", column: "column50", type: .date, format: "%m/%d/%Y"),
    ]

    @Test(arguments: expectations)
    func expectedTypes(_ e: Expect) throws {
        let columns = try Corpora.discover("duckdb-csv/" + e.file)
        let c = try #require(columns[e.column], "no column \(e.column); got \(columns.keys.sorted())")
        #expect(c.status == .resolved, "\(c.question ?? "")")
        #expect(c.type == e.type)
        #expect(c.format == e.format)
        if let n = e.nullable { #expect(c.nullable == n) }
        if let s = e.sentinels { #expect(Set(c.nullSentinels) == s) }
    }

    @Test func realFilesKeepDelimiterAndHeader() throws {
        #expect(try CSVReader(path: Corpora.path("duckdb-csv/real/voter.tsv")).dialect.delimiter == 9)
        let lineitem = try CSVReader(path: Corpora.path("duckdb-csv/real/lineitem_sample.csv"))
        #expect(lineitem.dialect.delimiter == UInt8(ascii: "|"))
        #expect(!lineitem.dialect.hasHeader)
        #expect(try CSVReader(path: Corpora.path("duckdb-csv/real/ontime_sample.csv")).dialect.hasHeader)
    }

    /// Every file, fuzzing/ and broken/ included: the reader and the solver
    /// finish each within a deadline. A hang is reported with the file's name.
    @Test func everyFileWithoutCrashOrHang() throws {
        let root = Corpora.path("duckdb-csv")
        let files = try FileManager.default.subpathsOfDirectory(atPath: root).sorted().filter { rel in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + rel, isDirectory: &isDir) && !isDir.boolValue
        }
        #expect(files.count > 900)
        let done = DispatchSemaphore(value: 0)
        let state = WalkState()
        let thread = Thread {
            for rel in files {
                state.set(current: rel)
                var inference = StreamingInference()
                do {
                    try inference.feed(csvFile: root + "/" + rel, name: rel)
                    _ = inference.finish()
                    state.record(ok: true)
                } catch {
                    state.record(ok: false)
                }
                done.signal()
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        let limit = 20 * Sanitizer.slowdown
        for _ in files {
            if done.wait(timeout: .now() + .seconds(limit)) == .timedOut {
                Issue.record("hang: \(state.current) did not finish within \(limit) s")
                return
            }
        }
        print("duckdb-csv walk: \(files.count) files, \(state.ok) read, \(state.failed) refused with an error")
        #expect(state.ok > 900)
    }
}

final class WalkState: @unchecked Sendable {
    private let lock = NSLock()
    private var _current = ""
    private(set) var ok = 0
    private(set) var failed = 0
    func set(current: String) { lock.withLock { _current = current } }
    var current: String { lock.withLock { _current } }
    func record(ok success: Bool) { lock.withLock { if success { ok += 1 } else { failed += 1 } } }
}
