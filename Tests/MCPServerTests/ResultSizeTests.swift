import CasparianTestSupport
import Foundation
import Testing

/// Every tool result stays under about 20,000 characters, on a folder of
/// 40 different exports (40 outputs): counts, the first items, and
/// resource URIs for the rest.
@Suite("MCP result sizes")
struct ResultSizeTests {
    @Test func aFolderOfFortyDifferentExportsGivesSmallResults() throws {
        let ws = try TemporaryFolder.create("mcp-forty")
        let r = try MCPClientRunner.run("forty_exports.py", workspace: ws).json
        #expect(r["outputs"] as? Int ?? 0 > 1, "\(r)")
        #expect((r["errors"] as? [String: Any])?.isEmpty == true, "\(r["errors"] ?? "")")
        let sizes = r["sizes"] as? [String: Int] ?? [:]
        #expect(sizes.count == 9, "\(sizes)")
        for (tool, chars) in sizes {
            #expect(chars < 20_000, "\(tool): \(chars) characters")
        }
    }
}
