import CasparianCore
import CasparianTestSupport
import Foundation
import Parquet
import Testing

@Suite("Parquet files read back by pyarrow and DuckDB")
struct RoundTripTests {
    /// One column of every type, nullable and not, with edge values.
    static let columns: [(field: ParquetField, cells: [CellValue])] = [
        (
            ParquetField(name: "i", type: .int64, nullable: false),
            [.int(.min), .int(.max), .int(0), .int(-1), .bool(true), .bool(false), .int(42)]
        ),
        (ParquetField(name: "i_null", type: .int64, nullable: true), [.null, .int(7), .absent, .int(.min), .null, .null, .null]),
        (
            ParquetField(name: "d", type: .double, nullable: true),
            [.float(.infinity), .float(-.infinity), .float(-0.0), .float(.nan), .null, .int(3), .decimal("2.5")]
        ),
        (
            ParquetField(name: "b", type: .boolean, nullable: true),
            [.bool(true), .bool(false), .null, .bool(true), .bool(true), .null, .bool(false)]
        ),
        (
            ParquetField(name: "day", type: .date, nullable: false),
            [
                .date(days: 0), .date(days: -719_162), .date(days: 2_932_896), .date(days: 19_000), .date(days: -1), .date(days: 1),
                .date(days: 20_000),
            ]
        ),
        (
            ParquetField(name: "t", type: .time, nullable: true),
            [
                .time(micros: 0), .time(micros: 86_399_999_999), .null, .time(micros: 1), .time(micros: 45_296_000_001), .null,
                .time(micros: 3),
            ]
        ),
        (
            ParquetField(name: "ts", type: .timestamp(adjustedToUTC: false), nullable: true),
            [
                .timestamp(micros: 0), .timestamp(micros: -62_135_596_800_000_000), .timestamp(micros: 253_402_300_799_999_999), .null,
                .timestamp(micros: 1_700_000_000_123_456), .timestamp(micros: -1), .null,
            ]
        ),
        (
            ParquetField(name: "tz", type: .timestamp(adjustedToUTC: true), nullable: true),
            [
                .timestampTZ(micros: 1_700_000_000_123_456, offsetSeconds: 3600), .null, .timestampTZ(micros: 0, offsetSeconds: 0),
                .timestampTZ(micros: -5, offsetSeconds: -18_000), .null, .null,
                .timestampTZ(micros: 253_402_300_799_999_999, offsetSeconds: 0),
            ]
        ),
        (
            ParquetField(name: "s", type: .string, nullable: true),
            [.string("héllo wörld"), .string(""), .string("a\u{0}b"), .null, .string("😀 emoji"), .decimal("12.500"), .string("日本語")]
        ),
        (
            ParquetField(name: "s_req", type: .string, nullable: false),
            [.string("x"), .string("x"), .string(""), .string("y"), .string("x"), .string("z"), .string("x")]
        ),
        (ParquetField(name: "all_null", type: .double, nullable: true), Array(repeating: .null, count: 7)),
    ]

    static func write(_ path: String, compression: ParquetCompression) throws -> ParquetFileSummary {
        var options = ParquetWriterOptions()
        options.compression = compression
        options.keyValueMetadata = [(key: "casparian.plugin", value: "sales"), (key: "note", value: "ünïcode")]
        let writer = try ParquetFileWriter(path: path, fields: columns.map(\.field), options: options)
        try writer.append(columns.map { .cells($0.cells) }, rowCount: 7)
        return try writer.close()
    }

    @Test(arguments: [ParquetCompression.zstd(level: 3), .uncompressed])
    func everyTypeAndNullRoundTrips(_ compression: ParquetCompression) throws {
        let dir = try TemporaryFolder.create("parquet-types")
        let path = dir.appendingPathComponent("types.parquet").path
        let summary = try Self.write(path, compression: compression)
        #expect(summary.rows == 7)
        #expect(summary.rowGroups == 1)
        #expect(summary.bytes == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))

        let read = try #require(try ParquetReaders.read([path]).first)
        #expect(read.error == nil)
        for reader in ["pyarrow", "duckdb"] {
            let values = read.values(reader)
            let types = read.types(reader)
            for (field, cells) in Self.columns {
                #expect(values[field.name] == cells.map { canonical($0, as: field.type) }, "\(reader) \(field.name)")
                let expected = readerTypes(field.type)
                #expect(types[field.name] == (reader == "pyarrow" ? expected.pyarrow : expected.duckdb), "\(reader) \(field.name)")
            }
        }
        #expect(read.pyarrow["createdBy"] as? String == "casparian")
        #expect(read.pyarrow["keyValue"] as? [String: String] == ["casparian.plugin": "sales", "note": "ünïcode"])
        let nullable = read.pyarrow["nullable"] as? [String: Bool]
        for (field, _) in Self.columns { #expect(nullable?[field.name] == field.nullable, "\(field.name)") }
        let codec = compression == .uncompressed ? "UNCOMPRESSED" : "ZSTD"
        for c in Self.columns.indices { #expect(read.chunk(0, c)["compression"] as? String == codec) }
    }

    @Test func statisticsAreWhatPyarrowReports() throws {
        let dir = try TemporaryFolder.create("parquet-stats")
        let path = dir.appendingPathComponent("stats.parquet").path
        _ = try Self.write(path, compression: .zstd(level: 3))
        let read = try #require(try ParquetReaders.read([path]).first)
        func stats(_ name: String) -> (nulls: Int?, min: String?, max: String?) {
            let c = read.chunk(0, Self.columns.firstIndex { $0.field.name == name }!)
            return (c["nullCount"] as? Int, c["min"] as? String, c["max"] as? String)
        }
        #expect(stats("i") == (0, "\(Int64.min)", "\(Int64.max)"))
        #expect(stats("i_null") == (5, "\(Int64.min)", "7"))
        // NaN ignored; the bounds are the infinities.
        #expect(stats("d") == (1, canonicalDouble(-.infinity), canonicalDouble(.infinity)))
        #expect(stats("b") == (2, "false", "true"))
        #expect(stats("day") == (0, "-719162", "2932896"))
        #expect(stats("t") == (2, "0", "86399999999"))
        #expect(stats("tz") == (3, "-5", "253402300799999999"))
        // Unsigned byte order: "" first, the emoji (F0 ...) after the CJK (E6 ...).
        #expect(stats("s") == (1, "", hex(Array("😀 emoji".utf8))))
        #expect(stats("all_null").nulls == 7)
        #expect(read.chunk(0, Self.columns.firstIndex { $0.field.name == "all_null" }!)["hasMinMax"] as? Bool == false)
    }
}
