import CasparianTestSupport
import Foundation
import Testing

@testable import Lab

@Suite("Parser Lab: a file beside its rows")
struct SourceViewTests {
    @Test func rowsAreLinkedToTheLinesHoldingTheirValuesInFileOrder() {
        let lines = ["id,name,amount", "1,apple,\"1,200.50\"", "2,pear,3", "2,pear,3", "", "3,fig,N/A"]
        let rows: [[String?]] = [
            ["1", "apple", "1200.5"], ["2", "pear", "3"], ["2", "pear", "3"], ["3", "fig", nil], ["9", "kiwi", "0"],
        ]
        // Rewritten values (1200.5) do not match, the rest do; equal rows take successive lines; a row found nowhere has none.
        #expect(SourceLink.lines(for: rows, in: lines) == [1, 2, 3, 5, nil])
    }

    @Test func textFilesAreLinesAndBinaryFilesAHexView() throws {
        let dir = try TemporaryFolder.create("lab-source")
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("a.csv")
        try Data("a,b\r\n1,caf\u{e9}\r\n".utf8).write(to: text)
        let t = try SourceView.read(path: text.path)
        #expect(t.isText && t.lines == ["a,b", "1,café"] && t.encoding == "utf-8")
        let latin1 = dir.appendingPathComponent("l.csv")
        try Data([0x61, 0x0A, 0x63, 0x61, 0x66, 0xE9, 0x0A]).write(to: latin1)
        let l = try SourceView.read(path: latin1.path)
        #expect(l.isText && l.lines == ["a", "café"] && l.encoding == "latin-1")
        let binary = dir.appendingPathComponent("b.bin")
        try Data([0x1F, 0x8B, 0x08, 0x00] + Array(repeating: 0x41, count: 20)).write(to: binary)
        let b = try SourceView.read(path: binary.path)
        #expect(!b.isText && b.lines.count == 2)
        #expect(b.lines[0].hasPrefix("00000000  1f 8b 08 00 41"))
        #expect(b.lines[0].hasSuffix("|....AAAAAAAAAAAA|"))
        #expect(throws: (any Error).self) { try SourceView.read(path: dir.appendingPathComponent("missing").path) }
    }

    @Test func aGzipFileIsShownAsTheTextItHolds() throws {
        let dir = try TemporaryFolder.create("lab-source-gz")
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("a.csv")
        try Data("id,city\n1,Z\u{fc}rich\n2,Oslo\n".utf8).write(to: csv)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [csv.path]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        let view = try SourceView.read(path: csv.path + ".gz")
        #expect(view.isText && view.lines == ["id,city", "1,Z\u{fc}rich", "2,Oslo"], "\(view.lines)")
        #expect(view.encoding == "utf-8, decompressed from gzip")
        // Cut short, it does not decompress: its bytes are shown.
        let whole = try Data(contentsOf: URL(fileURLWithPath: csv.path + ".gz"))
        let cut = dir.appendingPathComponent("cut.csv.gz")
        try whole.prefix(whole.count - 12).write(to: cut)
        let bytes = try SourceView.read(path: cut.path)
        #expect(!bytes.isText && bytes.encoding == "binary" && bytes.lines[0].hasPrefix("00000000  1f 8b"))
    }
}
