import CasparianTestSupport
import Foundation
import Testing

@Suite("MCP: run_backtest and fix_parser say what a fix changed in the output")
struct ChangesTests {
    @Test func aDayMonthSwapAddedRowsAndAnUnchangedReRun() throws {
        let ws = try TemporaryFolder.create("mcp-changes")
        let r = try MCPClientRunner.run("changes.py", workspace: ws).json
        #expect(r.structured("first")["changes"] is NSNull, "a first version has nothing to compare with: \(r.structured("first"))")

        let swap = try #require(r.structured("swap")["changes"] as? [String: Any], "\(r.structured("swap"))")
        #expect(r.structured("swap")["files_passed"] as? Int == 3, "every file still passes")
        #expect(swap["rows_changed"] as? Int == 6 && swap["rows_added"] as? Int == 0, "\(swap)")
        #expect(swap["columns_changed"] as? [String: Int] == ["day": 6])
        let examples = swap["examples"] as? [[String: Any]] ?? []
        #expect(
            examples.contains {
                $0["file"] as? String == "f0.csv" && $0["old"] as? String == "2024-03-04" && $0["new"] as? String == "2024-04-03"
            },
            "\(examples)")
        #expect((swap["summary"] as? String)?.contains("6 rows changed") == true)
        let polled = r.structured("status")["result"] as? [String: Any]
        #expect((polled?["changes"] as? [String: Any])?["rows_changed"] as? Int == 6, "get_run_status has them too: \(polled ?? [:])")

        let again = try #require(r.structured("again")["changes"] as? [String: Any])
        #expect(again["rows_changed"] as? Int == 0 && again["rows_added"] as? Int == 0 && again["rows_removed"] as? Int == 0, "\(again)")

        let added = try #require(r.structured("added")["changes"] as? [String: Any])
        #expect(added["rows_added"] as? Int == 3 && added["rows_changed"] as? Int == 0, "\(added)")
    }
}
