import CasparianCore
import CasparianTestSupport
import Foundation
import Parquet
import Testing

@Suite("Parquet writer on bad input")
struct BadInputTests {
    static let fields = [
        ParquetField(name: "id", type: .int64, nullable: false),
        ParquetField(name: "name", type: .string, nullable: true),
    ]

    /// Rejected appends throw and write nothing; the file still closes into
    /// a valid file holding exactly the accepted rows.
    @Test func rejectedAppendsLeaveNothingBehind() throws {
        let dir = try TemporaryFolder.create("parquet-bad")
        let path = dir.appendingPathComponent("bad.parquet").path
        var options = ParquetWriterOptions()
        options.rowGroupRows = 3
        let writer = try ParquetFileWriter(path: path, fields: Self.fields, options: options)
        try writer.append([.sequence(start: 1), .cells([.string("a"), .null])], rowCount: 2)

        // A null in a REQUIRED field (after a good value, which must not stay).
        #expect(throws: ParquetValueError(field: "id", row: 1, value: .null)) {
            try writer.append([.cells([.int(9), .null]), .cells([.string("x"), .string("y")])], rowCount: 2)
        }
        // A wrong kind in the second column, after the first column took its values.
        #expect(throws: ParquetValueError(field: "name", row: 2, value: .int(5))) {
            try writer.append([.cells([.int(9), .int(10), .int(11)]), .cells([.string("x"), .null, .int(5)])], rowCount: 3)
        }
        #expect(throws: ParquetValueError(field: "id", row: 0, value: .null)) {
            try writer.append([.nulls, .nulls], rowCount: 4)
        }
        #expect(throws: ParquetValueError(field: "name", row: 0, value: .int(1))) {
            try writer.append([.sequence(start: 1), .sequence(start: 1)], rowCount: 4)
        }
        #expect(throws: ParquetValueError(field: "id", row: 0, value: .decimal("1.5"))) {
            try writer.append([.constant(.decimal("1.5")), .nulls], rowCount: 4)
        }
        // Column count and row count mismatches.
        #expect(throws: CasparianError.self) { try writer.append([.sequence(start: 1)], rowCount: 1) }
        #expect(throws: CasparianError.self) { try writer.append([.sequence(start: 1), .cells([.null])], rowCount: 2) }

        try writer.append([.cells([.int(3), .bool(true)]), .constant(.string("c"))], rowCount: 2)
        #expect(try writer.close().rows == 4)

        let read = try #require(try ParquetReaders.read([path]).first)
        #expect(read.error == nil)
        for reader in ["pyarrow", "duckdb"] {
            #expect(read.values(reader)["id"] == ["1", "2", "3", "1"])
            #expect(read.values(reader)["name"] == [hex(Array("a".utf8)), nil, hex(Array("c".utf8)), hex(Array("c".utf8))])
        }
    }

    @Test func unwritablePathIsAnEnvironmentError() throws {
        let path = "/nonexistent-folder/out.parquet"
        let error = try #require(throws: CasparianError.self) { try ParquetFileWriter(path: path, fields: Self.fields) }
        #expect(error.kind == .environment)
        #expect(error.message.contains(path))
        #expect(error.hint != nil)
    }

    @Test func abortRemovesTheFileAndIsIdempotent() throws {
        let dir = try TemporaryFolder.create("parquet-abort")
        let path = dir.appendingPathComponent("aborted.parquet").path
        let writer = try ParquetFileWriter(path: path, fields: Self.fields)
        try writer.append([.sequence(start: 1), .nulls], rowCount: 10)
        writer.abort()
        writer.abort()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(throws: CasparianError.self) { try writer.close() }
    }

    /// A full disk says so: /dev/full fails every write with ENOSPC.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func fullDiskSaysSo() throws {
        let writer = try ParquetFileWriter(path: "/dev/full", fields: Self.fields)
        try writer.append([.sequence(start: 1), .nulls], rowCount: 10)
        let error = try #require(throws: CasparianError.self) { _ = try writer.close() }
        #expect(error.kind == .environment)
        #expect(error.message.contains("disk is full") && error.isDiskFull)
        #expect(error.message.contains("/dev/full"))
    }
}
