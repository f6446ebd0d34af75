import CasparianCore
import CasparianTestSupport
import Postgres
import Testing

@Suite("Postgres COPY", .timeLimit(.minutes(5)))
struct PostgresCopyTests {
    @Test("200,000 rows through binary COPY, with the throughput")
    func throughput() throws {
        let url = try TestPostgres.freshDatabase(name: "throughput")
        let connection = try PostgresConnection(url: url)
        defer { connection.close() }
        try connection.execute(
            "CREATE TABLE t (id bigint, amount double precision, label text, at timestamptz, day date, ok boolean)")
        let rowCount = 200_000
        let labels = (0..<100).map { "customer-\($0)-Ünïcode" }
        let clock = ContinuousClock()
        let start = clock.now
        let copied = try connection.copyIn("COPY t FROM STDIN (FORMAT binary)") { writer in
            for id in 0..<rowCount {
                writer.beginRow(fieldCount: 6)
                writer.appendInt64(Int64(id))
                writer.appendDouble(Double(id) * 0.25)
                writer.appendText(labels[id % 100])
                writer.appendTimestamp(microsSince1970: 1_700_000_000_000_000 + Int64(id) * 1_000_000)
                writer.appendDate(daysSince1970: Int32(19_000 + id % 1000))
                if id % 7 == 0 { writer.appendNull() } else { writer.appendBool(id % 2 == 0) }
            }
        }
        let elapsed = clock.now - start
        #expect(copied == rowCount)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("COPY binary: \(rowCount) rows (6 columns) in \(elapsed) = \(Int(Double(rowCount) / seconds)) rows/s")
        let check = try connection.query("SELECT count(*), sum(id), count(ok), min(day)::text, sum(amount) FROM t")
        #expect(check.rows == [["200000", "19999900000", "171428", "2022-01-08", "4999975000"]])
    }

    @Test("a row the server refuses: PostgresError with SQLSTATE, and the connection works after ROLLBACK")
    func refusedRow() throws {
        let url = try TestPostgres.freshDatabase(name: "refused")
        let connection = try PostgresConnection(url: url)
        defer { connection.close() }
        try connection.execute("CREATE TABLE t (id bigint PRIMARY KEY, amount double precision CHECK (amount >= 0))")
        try connection.execute("BEGIN")
        #expect(connection.transactionStatus == .inTransaction)
        let error = try #require(throws: PostgresError.self) {
            try connection.copyIn("COPY t FROM STDIN (FORMAT binary)") { writer in
                for id in 0..<10 {
                    writer.beginRow(fieldCount: 2)
                    writer.appendInt64(Int64(id))
                    writer.appendDouble(id == 5 ? -1 : 1)
                }
            }
        }
        #expect(error.sqlState == "23514")
        #expect(error.message.contains("check constraint"))
        #expect(error.statement?.hasPrefix("COPY t") == true)
        #expect(connection.transactionStatus == .failed)
        try connection.execute("ROLLBACK")
        #expect(connection.transactionStatus == .idle)
        #expect(try connection.query("SELECT count(*) FROM t").rows == [["0"]])
        #expect(
            try connection.copyIn("COPY t FROM STDIN (FORMAT binary)") { writer in
                writer.beginRow(fieldCount: 2)
                writer.appendInt64(1)
                writer.appendDouble(2)
            } == 1)
    }

    @Test("a refusal early in a COPY of many MiB (the server stops reading mid-stream)")
    func refusedEarlyInLargeCopy() throws {
        let url = try TestPostgres.freshDatabase(name: "refused_large")
        let connection = try PostgresConnection(url: url)
        defer { connection.close() }
        try connection.execute("CREATE TABLE t (id bigint PRIMARY KEY, label text)")
        let error = try #require(throws: PostgresError.self) {
            try connection.copyIn("COPY t FROM STDIN (FORMAT binary)") { writer in
                for id in 0..<300_000 {
                    writer.beginRow(fieldCount: 2)
                    writer.appendInt64(id == 1 ? 0 : Int64(id))
                    writer.appendText("a label long enough to fill several chunks of one MiB")
                }
            }
        }
        #expect(error.sqlState == "23505")
        #expect(connection.transactionStatus == .idle)
        #expect(try connection.query("SELECT count(*) FROM t").rows == [["0"]])
    }

    @Test("a value of the wrong binary type is refused (22P03 or 08P01), the connection stays usable")
    func wrongType() throws {
        let url = try TestPostgres.freshDatabase(name: "wrong_type")
        let connection = try PostgresConnection(url: url)
        defer { connection.close() }
        try connection.execute("CREATE TABLE t (id integer)")
        let error = try #require(throws: PostgresError.self) {
            try connection.copyIn("COPY t FROM STDIN (FORMAT binary)") { writer in
                writer.beginRow(fieldCount: 1)
                writer.appendInt64(1)
            }
        }
        #expect(error.sqlState != nil)
        #expect(try connection.query("SELECT 1").rows == [["1"]])
    }

    struct Stop: Error, CustomStringConvertible {
        var description: String { "the source file could not be read" }
    }

    @Test("fill throws: its error comes out, the COPY is abandoned, nothing is stored")
    func fillThrows() throws {
        let url = try TestPostgres.freshDatabase(name: "fill_throws")
        let connection = try PostgresConnection(url: url)
        defer { connection.close() }
        try connection.execute("CREATE TABLE t (id bigint)")
        #expect(throws: Stop.self) {
            try connection.copyIn("COPY t FROM STDIN (FORMAT binary)") { writer in
                writer.beginRow(fieldCount: 1)
                writer.appendInt64(1)
                throw Stop()
            }
        }
        #expect(connection.transactionStatus == .idle)
        #expect(try connection.query("SELECT count(*) FROM t").rows == [["0"]])
    }

    @Test("copyIn with a statement that is not COPY FROM STDIN; execute and query with COPY FROM STDIN or TO STDOUT")
    func misuse() throws {
        let connection = try PostgresConnection(url: try TestPostgres.url())
        defer { connection.close() }
        #expect(throws: PostgresError.self) { try connection.copyIn("SELECT 1") { _ in } }
        let missing = try #require(throws: PostgresError.self) {
            try connection.copyIn("COPY no_such_table FROM STDIN (FORMAT binary)") { _ in }
        }
        #expect(missing.sqlState == "42P01")
        try connection.execute("CREATE TEMPORARY TABLE t (id bigint)")
        #expect(throws: PostgresError.self) { try connection.execute("COPY t FROM STDIN") }
        #expect(throws: PostgresError.self) { try connection.query("COPY (SELECT generate_series(1, 100000)) TO STDOUT") }
        #expect(try connection.query("SELECT count(*) FROM t").rows == [["0"]])
    }
}
