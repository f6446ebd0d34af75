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
    }

    @Test func valuesOfDifferentKindsHashApart() {
        #expect(FileOutputDigest.hash(.int(1)) != FileOutputDigest.hash(.float(1)))
        #expect(FileOutputDigest.hash(.string("1")) != FileOutputDigest.hash(.decimal("1")))
        #expect(FileOutputDigest.hash(.null) == FileOutputDigest.hash(.absent))
    }
}
