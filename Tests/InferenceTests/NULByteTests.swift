import CasparianCore
import CasparianTestSupport
import Foundation
import Testing

@testable import Inference

/// A stray NUL byte in a CSV is decided by the share of such bytes, the same
/// wherever it is: the analyzer (first bytes) and the reader (the whole
/// file) apply one rule, and say why when a file is binary.
@Suite("NUL bytes in text")
struct NULByteTests {
    /// A CSV of `rows` rows with one NUL byte in a field at about `offset`.
    static func csv(rows: Int, nulNear offset: Int) -> [UInt8] {
        var out = Array("id,name,price\n".utf8)
        for r in 0..<rows {
            out += Array("\(r),name\(r),\(r).5\n".utf8)
        }
        let at = out[offset...].firstIndex(of: UInt8(ascii: "n"))!
        out.insert(0, at: at)
        return out
    }

    func file(_ bytes: [UInt8]) throws -> String {
        let dir = try TemporaryFolder.create("nul")
        let url = dir.appendingPathComponent("data.csv")
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func oneNULEarlyOrLateIsTheSameCSV() throws {
        let early = Self.csv(rows: 3000, nulNear: 20)
        let late = Self.csv(rows: 3000, nulNear: 30_000)
        for bytes in [early, late] {
            let a = FormatAnalyzer.analyze(head: Array(bytes.prefix(FormatAnalyzer.defaultPrefix)), size: bytes.count)
            #expect(a.format == .csv, "\(a.evidence)")
            var inference = StreamingInference()
            let reader = try inference.feed(csvFile: try file(bytes))
            #expect(reader.recordsRead == 3000 && reader.nulBytes == 1)
        }
        let a = FormatAnalyzer.analyze(head: Array(early.prefix(FormatAnalyzer.defaultPrefix)), size: early.count)
        #expect(
            a.evidence.contains { $0.contains("1 NUL byte at offset \(early.firstIndex(of: 0)!)") && $0.contains("read as text") },
            "\(a.evidence)")
    }

    @Test func aFewStrayBytesInATinyFileAreNotBinary() {
        let tiny = Array("a,b\n1,".utf8) + [0] + Array("x\n2,y\n".utf8)
        #expect(FormatAnalyzer.analyze(head: tiny, size: tiny.count).format == .csv)
        #expect(ByteCensus(tiny).tolerated?.contains("1 NUL byte at offset 6") == true)
    }

    @Test func manyNULBytesAreBinaryAndTheEvidenceSaysWhy() {
        var bytes = Array("id,name\n1,a\n".utf8)
        bytes += [UInt8](repeating: 0, count: 500) + Array("2,b\n".utf8) + [UInt8](repeating: 65, count: 4000)
        let a = FormatAnalyzer.analyze(head: bytes, size: bytes.count)
        #expect(a.format == .binary)
        #expect(a.evidence.contains { $0.contains("500 NUL bytes") && $0.contains("offset 12") && $0.contains("%") }, "\(a.evidence)")
    }

    @Test func aFileThatTurnsBinaryAfterItsFirstBytesFailsInTheReaderWithTheReason() throws {
        var bytes = Self.csv(rows: 2000, nulNear: 0)
        bytes.removeAll { $0 == 0 }
        let clean = bytes.count
        bytes += [UInt8](repeating: 0, count: 60_000)
        let a = FormatAnalyzer.analyze(head: Array(bytes.prefix(FormatAnalyzer.defaultPrefix)), size: bytes.count)
        #expect(a.format == .csv, "the first bytes are a clean CSV")
        var inference = StreamingInference()
        let error = #expect(throws: CasparianError.self) { try inference.feed(csvFile: try file(bytes)) }
        #expect(error?.message.contains("60000 NUL bytes") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("offset \(clean)") == true, "\(error?.message ?? "")")
    }
}
