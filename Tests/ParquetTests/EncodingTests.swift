import CasparianCore
import CasparianTestSupport
import Foundation
import Parquet
import Testing

@Suite("Parquet encodings and layout")
struct EncodingTests {
    /// Repetitive strings are dictionary encoded; distinct long ones that
    /// pass `dictionaryMaxBytes` fall back to PLAIN; other types are PLAIN.
    @Test func dictionaryForRepetitiveStringsPlainForDistinctOnes() throws {
        let dir = try TemporaryFolder.create("parquet-encodings")
        let path = dir.appendingPathComponent("enc.parquet").path
        var options = ParquetWriterOptions()
        options.dictionaryMaxBytes = 64 << 10
        options.pageBytes = 4096
        let fields = [
            ParquetField(name: "status", type: .string, nullable: true),
            ParquetField(name: "id", type: .string, nullable: false),
            ParquetField(name: "n", type: .int64, nullable: false),
        ]
        let rows = 20_000
        let writer = try ParquetFileWriter(path: path, fields: fields, options: options)
        let statuses = ["ok", "failed", "pending", nil]
        try writer.append(
            [
                .cells((0..<rows).map { statuses[$0 % 4].map(CellValue.string) ?? .null }),
                .cells((0..<rows).map { .string("row \($0) " + String(repeating: "x", count: 40)) }),
                .sequence(start: 1),
            ], rowCount: rows)
        #expect(try writer.close() == ParquetFileSummary(rows: rows, rowGroups: 1, bytes: fileSize(path)))

        let read = try #require(try ParquetReaders.read([path]).first)
        #expect(read.error == nil)
        let status = read.chunk(0, 0)
        #expect(status["encodings"] as? [String] == ["PLAIN", "RLE", "RLE_DICTIONARY"])
        #expect(status["hasDictionaryPage"] as? Bool == true)
        #expect(status["nullCount"] as? Int == rows / 4)
        #expect(status["min"] as? String == hex(Array("failed".utf8)))
        #expect(status["max"] as? String == hex(Array("pending".utf8)))
        let id = read.chunk(0, 1)
        #expect(id["encodings"] as? [String] == ["PLAIN", "RLE"])
        #expect(id["hasDictionaryPage"] as? Bool == false)
        #expect(id["min"] as? String == hex(Array(("row 0 " + String(repeating: "x", count: 40)).utf8)))
        #expect(read.chunk(0, 2)["encodings"] as? [String] == ["PLAIN", "RLE"])
        #expect(read.chunk(0, 2)["min"] as? String == "1")
        #expect(read.chunk(0, 2)["max"] as? String == "\(rows)")
        #expect(read.values("duckdb")["n"]?.last == "\(rows)")
    }

    /// A file with no rows: schema, no row groups; both readers take it.
    @Test func zeroRowFileIsValid() throws {
        let dir = try TemporaryFolder.create("parquet-empty")
        let path = dir.appendingPathComponent("empty.parquet").path
        let fields = RandomTable.types.enumerated().map { ParquetField(name: "c\($0)", type: $1, nullable: $0 % 2 == 0) }
        let writer = try ParquetFileWriter(path: path, fields: fields)
        try writer.append(fields.map { _ in .cells([]) }, rowCount: 0)
        let summary = try writer.close()
        #expect(summary.rows == 0 && summary.rowGroups == 0)
        let read = try #require(try ParquetReaders.read([path]).first)
        #expect(read.error == nil)
        #expect(read.pyarrow["numRows"] as? Int == 0)
        #expect(read.rowGroups.isEmpty)
        for field in fields {
            #expect(read.types("pyarrow")[field.name] == readerTypes(field.type).pyarrow)
            #expect(read.types("duckdb")[field.name] == readerTypes(field.type).duckdb)
        }
    }

    /// Many rows in one append are cut into row groups of `rowGroupRows`,
    /// or fewer when the buffered values pass `rowGroupBytes`.
    @Test func rowGroupsFollowRowsAndBytes() throws {
        let dir = try TemporaryFolder.create("parquet-groups")
        let byRows = dir.appendingPathComponent("rows.parquet").path
        var options = ParquetWriterOptions()
        options.rowGroupRows = 1000
        var writer = try ParquetFileWriter(path: byRows, fields: [ParquetField(name: "n", type: .int64, nullable: false)], options: options)
        try writer.append([.sequence(start: 0)], rowCount: 2500)
        try writer.append([.sequence(start: 2500)], rowCount: 10)
        #expect(try writer.close().rowGroups == 3)

        let byBytes = dir.appendingPathComponent("bytes.parquet").path
        options.rowGroupRows = 1_000_000
        options.rowGroupBytes = 80_000  // 10,000 int64 values
        writer = try ParquetFileWriter(path: byBytes, fields: [ParquetField(name: "n", type: .int64, nullable: false)], options: options)
        try writer.append([.sequence(start: 0)], rowCount: 35_000)
        #expect(try writer.close().rowGroups == 4)

        let reads = try ParquetReaders.read([byRows, byBytes])
        #expect(reads[0].rowGroups.map { $0["rows"] as? Int } == [1000, 1000, 510])
        #expect(reads[1].rowGroups.map { $0["rows"] as? Int } == [10_000, 10_000, 10_000, 5000])
        #expect(reads[1].values("duckdb")["n"] == (0..<35_000).map { "\($0)" })
    }
}

func fileSize(_ path: String) -> Int {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
}
