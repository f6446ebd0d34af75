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
        let ragged = try #require(byFile["ragged.csv"]?.first)
        #expect(ragged.row == 1 && ragged.rows == 2 && ragged.problem.contains("3 fields"))
        #expect(byFile["fine.csv"] == nil)
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
