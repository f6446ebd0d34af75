import CasparianTestSupport
import Postgres
import Testing

/// Every type the writer encodes, through binary COPY and back, read both
/// through `query` and through psql (a client that shares no code with ours).
@Suite("Postgres COPY round trip", .timeLimit(.minutes(3)))
struct PostgresTypesRoundTripTests {
    /// One row: what the writer is given, and how PostgreSQL prints it
    /// (`TimeZone` UTC; nil is NULL).
    struct Row {
        var bigint: Int64?
        var double: Double?
        var bool: Bool?
        var date: Int32?
        var time: Int64?
        var timestamp: Int64?
        var text: String?
        var printed: [String?]
    }

    static let rows: [Row] = [
        Row(
            bigint: 0, double: 0.5, bool: true, date: 0, time: 0, timestamp: 0, text: "plain",
            printed: [
                "0", "0.5", "t", "1970-01-01", "00:00:00", "1970-01-01 00:00:00", "1970-01-01 00:00:00+00", "plain",
            ]),
        Row(
            bigint: .max, double: -0.0, bool: false, date: -1, time: 86_399_999_999, timestamp: -1,
            text: "héllo wörld ✓ 日本語 🎉",
            printed: [
                "9223372036854775807", "-0", "f", "1969-12-31", "23:59:59.999999", "1969-12-31 23:59:59.999999",
                "1969-12-31 23:59:59.999999+00", "héllo wörld ✓ 日本語 🎉",
            ]),
        Row(
            bigint: .min, double: .infinity, bool: true, date: 10_957, time: 45_296_789_000, timestamp: 946_684_800_000_000,
            text: "tab\there\nnew line\r\nand \\ backslash \\N",
            printed: [
                "-9223372036854775808", "Infinity", "t", "2000-01-01", "12:34:56.789", "2000-01-01 00:00:00",
                "2000-01-01 00:00:00+00", "tab\there\nnew line\r\nand \\ backslash \\N",
            ]),
        Row(
            bigint: -1, double: -.infinity, bool: false, date: 10_956, time: 1, timestamp: 946_684_799_999_999,
            text: "quotes ' \" and | pipes",
            printed: [
                "-1", "-Infinity", "f", "1999-12-31", "00:00:00.000001", "1999-12-31 23:59:59.999999",
                "1999-12-31 23:59:59.999999+00", "quotes ' \" and | pipes",
            ]),
        Row(
            bigint: 42, double: .nan, bool: true, date: -719_162, time: 3_600_000_000, timestamp: -62_135_596_800_000_000,
            text: "",
            printed: [
                "42", "NaN", "t", "0001-01-01", "01:00:00", "0001-01-01 00:00:00", "0001-01-01 00:00:00+00", "",
            ]),
        Row(
            bigint: 1_234_567_890_123, double: 1e300, bool: nil, date: 19_675, time: nil, timestamp: 1_700_000_000_123_456,
            text: nil,
            printed: [
                "1234567890123", "1e+300", nil, "2023-11-14", nil, "2023-11-14 22:13:20.123456", "2023-11-14 22:13:20.123456+00",
                nil,
            ]),
        Row(
            bigint: nil, double: .leastNonzeroMagnitude, bool: nil, date: nil, time: nil, timestamp: nil, text: "last",
            printed: [nil, "5e-324", nil, nil, nil, nil, nil, "last"]),
    ]

    static let columns = "b bigint, d double precision, f boolean, dt date, tm time, ts timestamp, tz timestamptz, tx text"

    @Test("every type through COPY binary, read back with query and with psql")
    func roundTrip() throws {
        let url = try TestPostgres.freshDatabase(name: "roundtrip")
        let connection = try PostgresConnection(url: url)
        defer { connection.close() }
        try connection.execute("CREATE TABLE t (id bigint PRIMARY KEY, \(Self.columns))")
        let copied = try connection.copyIn("COPY t (id, b, d, f, dt, tm, ts, tz, tx) FROM STDIN (FORMAT binary)") { writer in
            for (id, row) in Self.rows.enumerated() {
                writer.beginRow(fieldCount: 9)
                writer.appendInt64(Int64(id))
                if let v = row.bigint { writer.appendInt64(v) } else { writer.appendNull() }
                if let v = row.double { writer.appendDouble(v) } else { writer.appendNull() }
                if let v = row.bool { writer.appendBool(v) } else { writer.appendNull() }
                if let v = row.date { writer.appendDate(daysSince1970: v) } else { writer.appendNull() }
                if let v = row.time { writer.appendTime(microsSinceMidnight: v) } else { writer.appendNull() }
                for _ in 0..<2 {
                    if let v = row.timestamp { writer.appendTimestamp(microsSince1970: v) } else { writer.appendNull() }
                }
                if let v = row.text { writer.appendText(v) } else { writer.appendNull() }
            }
        }
        #expect(copied == Self.rows.count)

        try connection.execute("SET TimeZone = 'UTC'")
        let read = try connection.query("SELECT b, d, f, dt, tm, ts, tz, tx FROM t ORDER BY id")
        #expect(read.columns == ["b", "d", "f", "dt", "tm", "ts", "tz", "tx"])
        #expect(read.typeOIDs == [20, 701, 16, 1082, 1083, 1114, 1184, 25])
        #expect(read.commandTag == "SELECT \(Self.rows.count)")
        #expect(read.affectedRows == Self.rows.count)
        #expect(read.rows == Self.rows.map(\.printed))

        // psql: fields split by US, records by RS, NULL shown as <NULL>.
        let printed = try TestPostgres.psql(
            url, "SET TimeZone = 'UTC'; SELECT b, d, f, dt, tm, ts, tz, tx FROM t ORDER BY id", fieldSeparator: "\u{1F}",
            arguments: ["-R", "\u{1E}", "-P", "null=<NULL>"])
        let psqlRows = printed.dropLast(printed.hasSuffix("\n") ? 1 : 0).split(separator: "\u{1E}", omittingEmptySubsequences: false)
            .map { $0.split(separator: "\u{1F}", omittingEmptySubsequences: false).map { $0 == "<NULL>" ? nil : String($0) } }
        #expect(psqlRows == Self.rows.map(\.printed))
    }

    @Test("a text larger than the 1 MiB chunk, and many rows across chunks")
    func largeValues() throws {
        let url = try TestPostgres.freshDatabase(name: "large")
        let connection = try PostgresConnection(url: url)
        defer { connection.close() }
        try connection.execute("CREATE TABLE t (id bigint, tx text)")
        let big = String(repeating: "0123456789abcdé", count: 200_000)
        let copied = try connection.copyIn("COPY t FROM STDIN (FORMAT binary)") { writer in
            for id in 0..<50_000 {
                writer.beginRow(fieldCount: 2)
                writer.appendInt64(Int64(id))
                writer.appendText(id == 25_000 ? big : "row \(id)")
            }
        }
        #expect(copied == 50_000)
        let check = try connection.query(
            "SELECT count(*), sum(id), max(length(tx)), bool_and(tx = 'row ' || id OR id = 25000) FROM t")
        #expect(check.rows == [["50000", "1249975000", "\(big.count)", "t"]])
        #expect(try connection.query("SELECT tx = $1 FROM t WHERE id = 25000", parameters: [big]).rows == [["t"]])
    }
}
