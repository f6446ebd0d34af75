import CasparianCore
import CasparianTestSupport
import Foundation
import Testing

@testable import Inference

@Suite("CSV reader")
struct CSVReaderTests {
    static func temp(_ bytes: [UInt8], name: String = "f.csv") throws -> String {
        let dir = try TemporaryFolder.create("csv")
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func temp(_ text: String) throws -> String { try temp(Array(text.utf8)) }

    func rows(_ path: String) throws -> (CSVReader, [[String]]) {
        let r = try CSVReader(path: path)
        var out: [[String]] = []
        try r.forEachBlock { b in
            for i in 0..<b.count { out.append(b.record(i)) }
            return true
        }
        return (r, out)
    }

    @Test func quotingNewlinesAndDoubledQuotes() throws {
        let (r, rows) = try rows(try Self.temp("id,text\r\n1,\"a, \"\"b\"\"\nc\"\r\n2,plain\r\n\r\n3,\n"))
        #expect(r.columnNames == ["id", "text"])
        #expect(rows == [["1", "a, \"b\"\nc"], ["2", "plain"], ["3", ""]])
        #expect(r.dialect.delimiter == UInt8(ascii: ","))
    }

    @Test func sniffsTabsSemicolonsAndPipes() throws {
        #expect(try CSVReader(path: try Self.temp("a\tb\n1\t2\n3\t4\n")).dialect.delimiter == 9)
        #expect(try CSVReader(path: try Self.temp("a;b;c\n1,5;2;x\n3;4;y\n")).dialect.delimiter == UInt8(ascii: ";"))
        #expect(try CSVReader(path: try Self.temp("1|2|3\n4|5|6\n")).dialect.delimiter == UInt8(ascii: "|"))
    }

    @Test func detectsHeaderOrNot() throws {
        let (noHeader, rows) = try rows(try Self.temp("1,2.5,2024-01-01\n3,4.5,2024-01-02\n"))
        #expect(!noHeader.dialect.hasHeader)
        #expect(noHeader.columnNames == ["column0", "column1", "column2"])
        #expect(rows.count == 2)
        #expect(try CSVReader(path: try Self.temp("id,amount\n1,2.5\n")).dialect.hasHeader)
    }

    @Test func encodings() throws {
        let bom = try CSVReader(path: try Self.temp([0xEF, 0xBB, 0xBF] + Array("name,n\nZoë,1\n".utf8)))
        #expect(bom.dialect.encoding == .utf8BOM)
        #expect(bom.columnNames == ["name", "n"])
        var utf16: [UInt8] = [0xFF, 0xFE]
        for u in "name,n\nZoë,1\n".utf16 { utf16 += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let (r16, rows16) = try rows(try Self.temp(utf16))
        #expect(r16.dialect.encoding == .utf16LE)
        #expect(r16.columnNames == ["name", "n"])
        #expect(rows16 == [["Zoë", "1"]])
        let (latin, rowsLatin) = try rows(try Self.temp(Array("name,n\nZo".utf8) + [0xEB] + Array(",1\n".utf8)))
        #expect(latin.dialect.encoding == .latin1)
        #expect(rowsLatin == [["Zoë", "1"]])
    }

    @Test func raggedRowsAndUnterminatedQuote() throws {
        let (r, rows) = try rows(try Self.temp("a,b\n1\n2,3,4\n\"open,5"))
        #expect(rows == [["1"], ["2", "3", "4"], ["open,5"]])
        #expect(r.raggedRecords == 3)
    }

    @Test func rowBatchesOfStrings() throws {
        let r = try CSVReader(path: try Self.temp("a,b\n1,x\n2\n"))
        var batches: [RowBatch] = []
        try r.forEachBatch(output: "csv") {
            batches.append($0)
            return true
        }
        #expect(batches.count == 1)
        #expect(batches[0].columns == [[.string("1"), .string("2")], [.string("x"), .null]])
    }

    @Test func largeFilesStreamAcrossChunks() throws {
        var text = "id,name,when\n"
        for i in 0..<60_000 { text += "\(i),\"name \(i), with comma\",2024-01-\(String(format: "%02d", i % 28 + 1))\n" }
        let (r, rows) = try rows(try Self.temp(text))
        #expect(rows.count == 60_000)
        #expect(rows[59_999] == ["59999", "name 59999, with comma", "2024-01-24"])
        #expect(r.raggedRecords == 0)
    }

    @Test func missingFileIsAClearError() {
        #expect(throws: CasparianError.self) { try CSVReader(path: "/nonexistent/x.csv") }
    }
}
