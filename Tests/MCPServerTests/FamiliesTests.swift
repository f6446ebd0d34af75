import CasparianTestSupport
import Foundation
import Testing

/// The flow per family over MCP: discover, approve, backtest and execute a
/// folder of different exports with the built-in reader.
@Suite("MCP flow per family")
struct FamiliesTests {
    @Test func aFolderOfDifferentExportsBecomesOneTablePerFamily() throws {
        let ws = try TemporaryFolder.create("mcp-families")
        let r = try MCPClientRunner.run("families.py", workspace: ws).json
        let discover = r.object("discover").object("structured")
        let outputs = discover["outputs"] as? [[String: Any]] ?? []
        #expect(Set(outputs.compactMap { $0["name"] as? String }) == ["permits", "weather"], "\(outputs.map { $0["name"] ?? "?" })")
        #expect(outputs.first { $0["name"] as? String == "permits" }?["file_count"] as? Int == 2)
        #expect((discover["questions"] as? [Any])?.isEmpty == true)
        let skipped = discover["skipped"] as? [[String: Any]] ?? []
        #expect(
            skipped.contains { ($0["file"] as? String)?.hasSuffix("/page.csv") == true && $0["format"] as? String == "html/xml" },
            "\(skipped)")

        #expect(r.object("approve")["is_error"] as? Bool == false, "\(r.object("approve"))")
        let backtest = r.structured("backtest")
        // The HTML page discovery skipped is in the scope too: it fails, saying why, and the exports pass.
        #expect(backtest["files_passed"] as? Int == 3 && backtest["files_failed"] as? Int == 1, "\(backtest)")
        let failed = (backtest["worst_files"] as? [[String: Any]])?.first
        #expect(failed?["path"] as? String == "page.csv" && (failed?["message"] as? String)?.contains("match no output") == true)
        let execute = r.structured("execute")
        #expect(Set(execute["tables"] as? [String] ?? []) == ["permits", "weather"], "\(execute)")
        #expect(execute["rows_written"] as? Int == 5)
        let rows = r.structured("weather")["rows"] as? [[Any]] ?? []
        #expect(rows.count == 2 && (rows.first?[1] as? Double) == 12.5, "\(rows)")
    }
}
