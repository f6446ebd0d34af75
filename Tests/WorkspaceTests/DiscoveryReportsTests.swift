import CasparianTestSupport
import Foundation
import Inference
import Testing

@testable import Workspace

/// What the built-in reader does not read as columns is reported, never
/// absorbed or dropped in silence.
@Suite("Discovery reports what it could not read cleanly")
struct DiscoveryReportsTests {
    static func discover(_ files: [String: String]) async throws -> DiscoveryRun {
        let base = try TemporaryFolder.create("reports")
        for (name, text) in files { try TestSupport.write(text, to: base.appendingPathComponent("data/\(name)")) }
        let ws = try Workspace.create(at: base)
        return try await ws.discover(paths: [base.appendingPathComponent("data").path], parser: .builtinCSV)
    }

    @Test func anUnterminatedQuoteAndRaggedRowsAreReportedWithTheirRows() async throws {
        let run = try await Self.discover([
            "broken.csv": "a,b\n1,\"unterminated\n2,3\n",
            "ragged.csv": "a,b,c\n1,2,3\n4,5\n6,7,8,9\n",
            "fine.csv": "x,y\n1,2\n",
        ])
        let byFile = Dictionary(grouping: run.structure, by: \.file)
        let quote = try #require(byFile["broken.csv"]?.first)
        #expect(quote.row == 0 && quote.problem.contains("never closed"))
        // The quote opens on line 2 at byte 6; lines 2 and 3 went into the one field.
        #expect(quote.line == 2 && quote.byteOffset == 6 && quote.rows == 2, "\(quote)")
        #expect(quote.problem.contains("line 2 (byte 6"), "\(quote.problem)")
        let ragged = try #require(byFile["ragged.csv"]?.first)
        #expect(ragged.row == 1 && ragged.rows == 2 && ragged.problem.contains("3 fields"))
        #expect(ragged.line == 3 && ragged.byteOffset == 12, "\(ragged)")
        #expect(byFile["fine.csv"] == nil)
    }

    /// Lines count as an editor counts them (CRLF once, newlines inside
    /// quoted fields too); the offset is the file's own, byte-order mark included.
    @Test func linesAndOffsetsCountQuotedNewlinesCRLFAndTheByteOrderMark() async throws {
        let run = try await Self.discover(["crlf.csv": "\u{FEFF}a,b\r\n\"x\ny\",1\r\n5,6\r\n2,3,4\r\n7,8\r\n"])
        let ragged = try #require(run.structure.first)
        #expect(ragged.line == 5 && ragged.byteOffset == 22 && ragged.rows == 1, "\(ragged)")
        let bytes = Array("\u{FEFF}a,b\r\n\"x\ny\",1\r\n5,6\r\n2,3,4\r\n7,8\r\n".utf8)
        #expect(String(decoding: bytes[22..<27], as: UTF8.self) == "2,3,4")
    }

    /// The headers pass (families need every header before any values are
    /// read) reports its progress through the same callback, file by file.
    @Test func theHeadersPassReportsProgressBeforeTheValues() async throws {
        let base = try TemporaryFolder.create("reports-progress")
        for k in 0..<4 { try TestSupport.write("a,b\n\(k),x\n", to: base.appendingPathComponent("data/f\(k).csv")) }
        let ws = try Workspace.create(at: base)
        let seen = StageLog()
        _ = try await ws.discover(paths: [base.appendingPathComponent("data").path], parser: .builtinCSV) { stage, done, total in
            seen.append("\(stage == .headers ? "h" : "v")\(done)/\(total)")
        }
        #expect(seen.entries == ["h1/4", "h2/4", "h3/4", "h4/4", "v1/4", "v2/4", "v3/4", "v4/4"], "\(seen.entries)")
    }

    @Test func anHTMLPageAndAJSONFileAreSkippedWithTheirFormat() async throws {
        let run = try await Self.discover([
            "page.csv": "<!DOCTYPE html>\n<html><body>Service unavailable</body></html>\n",
            "export.csv": "<?xml version=\"1.0\"?><rows><row a=\"1\"/></rows>\n",
            "data.csv": "{\"a\": 1, \"b\": [1, 2]}\n",
            "good.csv": "x,y\n1,2\n",
        ])
        let skipped = Dictionary(uniqueKeysWithValues: run.skipped.map { ($0.file, $0.label) })
        #expect(skipped == ["page.csv": "html/xml", "export.csv": "html/xml", "data.csv": "json"])
        #expect(run.result.outputs.map(\.name) == ["good"])
        #expect(!run.result.outputs.flatMap(\.columns).contains { $0.name.hasPrefix("<") })
    }
}

/// Progress events, in the order they came.
final class StageLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ s: String) { lock.withLock { list.append(s) } }
    var entries: [String] { lock.withLock { list } }
}
