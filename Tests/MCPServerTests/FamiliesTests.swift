import CasparianTestSupport
import Foundation
import Testing

/// A contract.json read as plain JSON, as a reviewer sees it.
enum ContractJSON {
    static func load(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }
}

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
        // The HTML page discovery skipped is in the scope too: approval excludes it, by its path in the scope.
        let excluded = r.structured("approve")["excluded_skipped"] as? [[String: Any]] ?? []
        #expect(excluded.count == 1 && excluded.first?["file"] as? String == "page.csv", "\(r.object("approve"))")
        let contract = try ContractJSON.load(ws.appendingPathComponent("plugins/exports/contract.json"))
        #expect(contract["excluded_files"] as? [String] == ["./page.csv"], "\(contract)")
        let backtest = r.structured("backtest")
        // So the backtest neither parses nor fails it: the three exports pass.
        #expect(backtest["files_passed"] as? Int == 3 && backtest["files_failed"] as? Int == 0, "\(backtest)")
        #expect(backtest["backtest_status"] as? String == "passed" && backtest["files_total"] as? Int == 3, "\(backtest)")
        let execute = r.structured("execute")
        #expect(Set(execute["tables"] as? [String] ?? []) == ["permits", "weather"], "\(execute)")
        #expect(execute["rows_written"] as? Int == 5 && execute["files_failed"] as? Int == 0, "\(execute)")
        let rows = r.structured("weather")["rows"] as? [[Any]] ?? []
        #expect(rows.count == 2 && (rows.first?[1] as? Double) == 12.5, "\(rows)")
        let structure = (r["structure"] as? [[String: Any]])?.first
        #expect(
            structure?["line"] as? Int == 2 && structure?["byte_offset"] as? Int == 6 && structure?["rows"] as? Int == 2,
            "\(String(describing: r["structure"]))")
    }
}
