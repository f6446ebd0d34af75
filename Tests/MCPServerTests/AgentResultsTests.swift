import CasparianTestSupport
import Foundation
import Testing

@testable import MCPServer

/// Results an agent can act on (issue 23, item 4): refusals that create
/// nothing, errors in MCP terms, and every result's summary and
/// next_actions inside `structuredContent`.
@Suite("MCP results an agent can act on")
struct AgentResultsTests {
    @Test func refusalsAndErrorsSayWhatToDoOverMCP() throws {
        let ws = try MCPClientRunner.workspace()
        let r = try MCPClientRunner.run("agent_results.py", workspace: ws).json
        let errors = r.object("errors").mapValues { ($0 as? [String: Any])?["text"] as? String ?? "" }
        let results = r.object("results").mapValues { ($0 as? [String: Any])?["structured"] as? [String: Any] ?? [:] }

        // A glob that matches nothing creates no scope: the name stays free for the right definition.
        #expect(errors["empty_scope"]?.contains("no file under") == true, "\(errors["empty_scope"] ?? "")")
        #expect(errors["empty_scope"]?.contains("quick_scan") == true)
        #expect(results["early"]?["file_count"] as? Int == 12, "\(results["early"] ?? [:])")

        // A misspelt plugin is refused with the closest name; the right one is locked.
        #expect(errors["typo"]?.contains("sales") == true && errors["typo"]?.contains("new_plugin") == true, "\(errors["typo"] ?? "")")
        #expect(results["approve"]?["plugin"] as? String == "sales", "\(errors["approve"] ?? "")")

        // Approving a plugin that has a contract points to propose_amendment, not a CLI flag.
        let twice = errors["approve_twice"] ?? ""
        #expect(twice.contains("propose_amendment") && !twice.contains("--replace"), "\(twice)")

        // A wrong amendment shape is said in words naming the field; never the decoder's text.
        for (label, field) in [
            ("nullable_word", "nullable"), ("rename_without_to", "needs to"), ("add_column_name_only", "[0].column"),
            ("column_number", "[0].column"), ("unknown_op", "[0].op"),
        ] {
            let text = errors[label] ?? "(no error)"
            #expect(text.contains(field), "\(label): \(text)")
            for leak in ["DecodingError", "keyNotFound", "typeMismatch", "CodingKeys", "codingPath"] {
                #expect(!text.contains(leak), "\(label): \(text)")
            }
        }
        #expect(results["good_change"]?["amendment_id"] is String, "\(errors["good_change"] ?? "")")
        // The input schema describes every operation's fields.
        let schema = r.object("tool_schema")
        let change = (schema.object("properties").object("changes"))["items"] as? [String: Any] ?? [:]
        let op = (change["properties"] as? [String: Any])?["op"] as? [String: Any] ?? [:]
        #expect((op["description"] as? String)?.contains("rename (column, to") == true, "\(op)")
        #expect((change["properties"] as? [String: Any])?["to"] != nil)

        // A discovery where most files failed: look at the failures before approving.
        let flaky = results["flaky_discovery"] ?? [:]
        #expect(flaky["failures_total"] as? Int == 8, "\(flaky)")
        let flakyNext = flaky["next_actions"] as? [String] ?? []
        #expect(flakyNext.first?.contains("8 of 12 files failed discovery") == true, "\(flakyNext)")
        #expect(!flakyNext.contains { $0.hasSuffix("to lock the schema as a contract") }, "\(flakyNext)")
        #expect(flakyNext.contains { $0.contains("plugin: \"flaky\"") }, "\(flakyNext)")

        // No error names a CLI command or flag.
        for (label, text) in errors {
            for cli in ["`casparian ", "casparian jobs", "casparian output", "--replace", "--answer", "--override", "casparian new"] {
                #expect(!text.contains(cli), "\(label): \(text)")
            }
        }
        #expect(errors["unknown_table"]?.contains("list_outputs") == true || errors["unknown_table"]?.contains("tables") == true)

        // Every result carries its summary and next_actions, with known ids filled in.
        for (label, s) in results {
            #expect(s["summary"] is String, "\(label)")
            let next = s["next_actions"] as? [String]
            #expect(next != nil, "\(label)")
            for action in next ?? [] {
                #expect(!action.contains("NAME") && !action.contains("SCOPE_ID"), "\(label): \(action)")
            }
            #expect(!(s["summary"] as? String ?? "").contains("PluginDirectory("), "\(label)")
        }
        if let status = results["execute_status"] ?? results["execute_running"] {
            #expect(!(status["summary"] as? String ?? "").contains("PluginDirectory("), "\(status)")
        }
    }

    @Test func aPluginNameIsCheckedAgainstThoseThatExist() throws {
        let plugins = try TemporaryFolder.create("plugin-names")
        for name in ["sales", "weblogs"] {
            let dir = plugins.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data("".utf8).write(to: dir.appendingPathComponent("parser.py"))
        }
        func check(_ name: String, ranBy parser: String, new: Bool = false) -> String? {
            do {
                try PluginNameGuard.check(
                    name, discoveryPlugin: parser, discoveryID: "disc_1", pluginsDirectory: plugins, confirmedNew: new)
                return nil
            } catch {
                return "\(error)"
            }
        }
        // An existing plugin passes; a slip of one is refused with the closest name.
        #expect(check("sales", ranBy: "sales") == nil)
        #expect(check("sale", ranBy: "sales")?.contains("the closest: sales") == true)
        #expect(check("weblog", ranBy: "csv")?.contains("weblogs") == true)
        // The built-in reader names new plugins; a plugin's discovery belongs to that plugin.
        #expect(check("permits", ranBy: "csv") == nil)
        #expect(check("permits", ranBy: "sales") != nil)
        // Meaning it: new_plugin.
        #expect(check("sale", ranBy: "csv", new: true) == nil)
        #expect(PluginNameGuard.distance("sales", "Sale") == 1)
    }

    @Test func cliCommandsInWorkspaceErrorsBecomeMCPTools() {
        #expect(MCPWording.translate("see `casparian jobs show run_1`") == "see get_run_status {run_id: \"run_1\"}")
        #expect(MCPWording.translate("list them with `casparian output list`") == "list them with list_outputs {}")
        #expect(MCPWording.translate("cancel it (`casparian jobs cancel`)") == "cancel it (cancel_run {run_id})")
        #expect(MCPWording.translate("answer with --answer 'a b=date:%d %m'") == "answer with answers: {\"a b\": \"date:%d %m\"}")
        #expect(MCPWording.translate("e.g. --answer day=int64, or not") == "e.g. answers: {\"day\": \"int64\"}, or not")
        #expect(MCPWording.translate("the --answer flag") == "the answers flag")
        #expect(!MCPWording.translate("drop it: `casparian output drop sales --target x`").contains("casparian"))
        #expect(MCPWording.translate("no command here") == "no command here")
        #expect(MCPWording.translate("list runs with `casparian jobs`").contains("run_backtest"))
    }
}
