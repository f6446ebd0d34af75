import CasparianCore
import Foundation
import Testing

@testable import Backtest

@Suite("Output digests and their comparison")
struct OutputDigestTests {
    static func digest(_ rows: [[CellValue]], columns: [String] = ["a", "b"]) -> FileOutputDigest {
        var d = FileOutputDigest()
        var batch = RowBatch(output: "o", columnNames: columns)
        for r in rows { batch.append(row: r) }
        d.add(batch)
        return d
    }

    @Test func aDigestSurvivesItsStoredForm() throws {
        let d = Self.digest([[.int(1), .string("x")], [.null, .date(days: -3)]])
        #expect(FileOutputDigest(data: d.data) == d)
        #expect(FileOutputDigest(data: Data("nope".utf8)) == nil)
        #expect(d.data.count < 64, "4 bytes a cell, plus names")
    }

    @Test func aDamagedDigestIsRefusedAtEveryLength() {
        let d = Self.digest([[.int(1), .string("x")], [.null, .date(days: -3)]]).data
        for n in 0..<d.count { #expect(FileOutputDigest(data: d.prefix(n)) == nil, "cut at \(n) bytes") }
        // A row count whose cells would overflow (or run past the end) is refused, not trusted.
        var huge = Data("CFD1".utf8)
        for v: UInt32 in [1, 1] { withUnsafeBytes(of: v.littleEndian) { huge.append(contentsOf: $0) } }
        huge.append(UInt8(ascii: "o"))
        for v: UInt32 in [UInt32.max] { withUnsafeBytes(of: v.littleEndian) { huge.append(contentsOf: $0) } }
        #expect(FileOutputDigest(data: huge) == nil)
    }

    @Test func rowsInTheSameColumnsCompareWhereTheyStandThenByKey() {
        let rows: [[CellValue]] = (0..<50).map { [.int(Int64($0)), .string("r\($0)")] }
        var changedRows = rows
        changedRows[7][1] = .string("R7")
        changedRows.swapAt(20, 21)
        let c = FileComparison(old: Self.digest(rows), new: Self.digest(changedRows), keyed: false, cellLimit: 20)
        #expect(c.changed == 1 && c.added == 0 && c.removed == 0, "a swap of two rows matches by key")
        #expect(c.columns == ["b": 1])
        #expect(c.cells.map(\.newRow) == [7])
        let shorter = FileComparison(old: Self.digest(rows), new: Self.digest(Array(rows.dropLast(2))), keyed: false, cellLimit: 20)
        #expect(shorter.removed == 2 && shorter.changed == 0 && shorter.added == 0)
    }

    @Test func rowsMatchWholeThenPairAsChangedThenCountAsAddedOrRemoved() {
        let old = Self.digest([[.int(1), .string("a")], [.int(2), .string("b")], [.int(3), .string("c")]])
        // Row 2 changed in b, a row inserted at the top, row 3 unchanged (moved by the insert).
        let new = Self.digest([[.int(0), .string("z")], [.int(1), .string("a")], [.int(2), .string("B")], [.int(3), .string("c")]])
        let c = FileComparison(old: old, new: new, keyed: false, cellLimit: 20)
        #expect(c.changed == 1 && c.added == 1 && c.removed == 0)
        #expect(c.columns == ["a": 1, "b": 1], "the changed pair is (2,b) against the inserted (0,z): both cells")
        let same = FileComparison(old: old, new: old, keyed: false, cellLimit: 20)
        #expect(same.isEmpty)
    }

    @Test func aNewColumnChangesEveryRowOfItsColumnOnly() {
        let old = Self.digest([[.int(1)], [.int(2)]], columns: ["a"])
        let new = Self.digest([[.int(1), .bool(true)], [.int(2), .bool(false)]])
        let c = FileComparison(old: old, new: new, keyed: false, cellLimit: 20)
        #expect(c.changed == 0 && c.added == 0 && c.removed == 0 && c.columns == ["b": 2])
        // Its examples: the rows of the new column, with no old row to show.
        #expect(c.cells.map(\.newRow) == [0, 1] && c.cells.allSatisfy { $0.oldRow == nil && $0.column == "b" })
    }

    /// A column a fix adds or drops shows its first rows that hold a value
    /// (null rows say little), up to the limit.
    @Test func anAddedOrDroppedColumnsExamplesAreItsRowsWithValues() {
        let plain = Self.digest([[.int(1)], [.int(2)], [.int(3)], [.int(4)]], columns: ["a"])
        let withColumn = Self.digest([[.int(1), .null], [.int(2), .string("x")], [.int(3), .null], [.int(4), .string("y")]])
        let added = FileComparison(old: plain, new: withColumn, keyed: false, cellLimit: 1)
        #expect(added.columns == ["b": 4])
        #expect(added.cells.map(\.newRow) == [1] && added.cells.first?.oldRow == nil)
        let dropped = FileComparison(old: withColumn, new: plain, keyed: false, cellLimit: 20)
        #expect(dropped.columns == ["b": 4])
        #expect(dropped.cells.map(\.oldRow) == [1, 3] && dropped.cells.allSatisfy { $0.newRow == nil })
    }

    @Test func valuesOfDifferentKindsHashApart() {
        #expect(FileOutputDigest.hash(.int(1)) != FileOutputDigest.hash(.float(1)))
        #expect(FileOutputDigest.hash(.string("1")) != FileOutputDigest.hash(.decimal("1")))
        #expect(FileOutputDigest.hash(.null) == FileOutputDigest.hash(.absent))
    }

    /// Digests stored by an earlier build are compared with this one's: the
    /// hash of a value never changes (values pinned from the first release).
    @Test func aValuesHashIsTheSameInEveryBuild() {
        let values: [CellValue] = [
            .null, .bool(true), .int(-42), .float(2.5), .string("item-7"), .string("a text longer than sixteen bytes, é"),
            .bytes([0, 1, 2, 255]), .decimal("12.50"), .date(days: 19_000), .time(micros: 3_600_000_000),
            .timestamp(micros: 1_700_000_000_000_000), .timestampTZ(micros: 1_700_000_000_000_000, offsetSeconds: -18_000),
        ]
        let hashes = values.map { FileOutputDigest.hash($0) }
        #expect(
            hashes == [
                1_616_005_619, 3_956_596_974, 1_027_147_787, 3_578_109_325, 20_955_362, 3_286_106_990, 2_678_056_797, 93_097_095,
                3_583_663_950, 4_264_264_323, 2_919_107_618, 2_077_581_362,
            ])
    }
}
