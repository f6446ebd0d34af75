import CasparianTestSupport
import Foundation
import Testing

/// The workflows as MCP prompts (`prompts/list`, `prompts/get`), which
/// clients show as slash commands.
@Suite("MCP prompts")
struct PromptsTests {
    @Test func theWorkflowsAreListedAndFilledInWithTheRealTools() throws {
        let ws = try MCPClientRunner.workspace()
        let r = try MCPClientRunner.run("prompts.py", workspace: ws).json
        #expect(r.object("capabilities")["prompts"] != nil, "\(r.object("capabilities"))")
        let prompts = r["prompts"] as? [[String: Any]] ?? []
        let byName = Dictionary(uniqueKeysWithValues: prompts.compactMap { p in (p["name"] as? String).map { ($0, p) } })
        #expect(Set(byName.keys).isSuperset(of: ["ingest_folder", "fix_parser"]), "\(byName.keys)")
        func arguments(_ name: String) -> [String: Bool] {
            let list = byName[name]?["arguments"] as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as? String ?? "?", $0["required"] as? Bool ?? false) })
        }
        #expect(arguments("ingest_folder")["path"] == true)
        #expect(arguments("fix_parser")["plugin"] == true)

        // Every step names a tool the server really has, in the order of the flow, with the arguments filled in.
        let tools = Set(r["tools"] as? [String] ?? [])
        let ingest = r.object("ingest_folder")["text"] as? String ?? ""
        let steps = [
            "quick_scan", "apply_scope", "discover_schemas", "approve_schema", "run_backtest", "fix_parser", "execute_pipeline",
            "query_output",
        ]
        var last = ingest.startIndex
        for step in steps {
            #expect(tools.contains(step), "\(step) is not a tool")
            let found = ingest.range(of: step + " {", range: last..<ingest.endIndex)
            #expect(found != nil, "\(step) missing or out of order in: \(ingest)")
            if let found { last = found.upperBound }
        }
        #expect(ingest.contains("path: \"sales/data\"") && ingest.contains("plugin: \"data\""), "\(ingest)")
        #expect(r.object("ingest_folder")["roles"] as? [String] == ["user"])

        let fix = r.object("fix_parser")["text"] as? String ?? ""
        for step in ["run_backtest {plugin: \"sales\", scope_id: \"scp_1\"}", "fix_parser {plugin: \"sales\"", "regressed", "clusters"] {
            #expect(fix.contains(step), "\(step) missing in: \(fix)")
        }
        #expect(!ingest.contains("casparian ") && !fix.contains("casparian "), "prompts name MCP tools, not CLI commands")

        #expect((r["missing"] as? String)?.contains("path") == true, "\(r["missing"] ?? "")")
        #expect((r["unknown"] as? String)?.contains("ingest_folder") == true, "\(r["unknown"] ?? "")")
    }
}
