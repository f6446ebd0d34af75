import Foundation
import MCPServer
import Testing

/// `casparian mcp` driven by the official Python MCP client.
@Suite("MCP server over stdio", .serialized)
struct BasicsTests {
    static let flowTools = ["quick_scan", "query_output", "get_run_status"]

    @Test func toolsAreDeclaredClosedWithOutputSchemasAndAnnotations() throws {
        let ws = try MCPClientRunner.workspace()
        let r = try MCPClientRunner.run("basics.py", workspace: ws).json
        let tools = r.object("tools")
        for name in Self.flowTools { #expect(tools[name] != nil, "missing tool \(name)") }
        for (name, value) in tools {
            let t = value as? [String: Any] ?? [:]
            #expect(t["closed"] as? Bool == true, "\(name) input schema is not closed")
            #expect(t["has_output_schema"] as? Bool == true, "\(name) has no output schema")
            #expect(t["has_description"] as? Bool == true, "\(name) has no description")
        }
        for name in ["quick_scan", "query_output", "get_run_status"] {
            #expect(tools.object(name)["read_only"] as? Bool == true, "\(name) should be read-only")
        }
        for name in ["fix_parser", "execute_pipeline"] where tools[name] != nil {
            #expect(tools.object(name)["destructive"] as? Bool == true, "\(name) should be destructive")
        }

        // quick_scan on examples/sales/data: 48 monthly CSVs in four region folders.
        let scan = r.structured("scan")
        #expect(r.object("scan")["schema_ok"] as? Bool == true)
        #expect(scan["file_count"] as? Int == 48)
        let ext = (scan["by_extension"] as? [[String: Any]])?.first
        #expect(ext?["name"] as? String == "csv")
        #expect(ext?["files"] as? Int == 48)
        #expect((scan["by_folder"] as? [[String: Any]])?.count == 4)
        #expect((scan["summary"] as? String)?.contains("48 files") == true)
        #expect((scan["next_actions"] as? [String])?.isEmpty == false)
        #expect(r["scan_relative_and_absolute_agree"] as? Bool == true)
        #expect((r.object("scan")["chars"] as? Int ?? .max) < 40_000)
    }

    @Test func badArgumentsAreErrorResultsThatSayWhatToSend() throws {
        let ws = try MCPClientRunner.workspace()
        let bad = try MCPClientRunner.run("basics.py", workspace: ws).json.object("bad")
        for key in ["missing", "wrong_type", "extra", "out_of_range", "unknown_tool", "empty_sql", "unknown_run"] {
            #expect(bad.isError(key), "\(key) should be an isError result")
        }
        #expect(bad.text("missing").contains("arguments.path is required"))
        #expect(bad.text("missing").contains("send {path: string"))
        #expect(bad.text("wrong_type").contains("arguments.path must be string, got integer 42"))
        #expect(bad.text("extra").contains("arguments.recursive is not an argument"))
        #expect(bad.text("out_of_range").contains("at most 50"))
        #expect(bad.text("unknown_tool").contains("quick_scan"))
        #expect(bad.text("empty_sql").contains("must not be empty"))
        #expect(bad.text("unknown_run").contains("no run with id run_nope"))
    }

    @Test func pathsOutsideTheRootsAreRefused() throws {
        let ws = try MCPClientRunner.workspace()
        let paths = try MCPClientRunner.run("basics.py", workspace: ws).json.object("paths")
        for key in ["dotdot", "absolute_outside", "symlink_out", "nul", "sibling_prefix"] {
            #expect(paths.isError(key), "\(key) should be refused")
            #expect(paths.structured(key).isEmpty)
        }
        #expect(paths.text("dotdot").contains("outside the allowed roots"))
        #expect(paths.text("symlink_out").contains("symbolic link"))
        #expect(paths.text("nul").contains("NUL"))
        #expect(!paths.isError("inside_with_dotdot"))
        #expect(paths.structured("inside_with_dotdot")["file_count"] as? Int == 12)
    }

    @Test func aVeryWideDiscoveryAndContractStaySmallAndPointToTheFullResource() throws {
        let ws = try MCPClientRunner.workspace()
        let result = try MCPClientRunner.run("basics.py", workspace: ws).json
        let wide = result.object("wide")
        #expect(wide["is_error"] as? Bool == false)
        #expect((wide["chars"] as? Int ?? .max) < 20_000)
        #expect(wide["evidence_omitted"] as? Bool == true)
        #expect(wide["columns_truncated"] as? Bool == true)
        #expect((wide["columns_listed"] as? Int ?? 300) < 300)
        #expect(wide["resource_columns"] as? Int == 300)
        let pages = wide["resource_pages"] as? [Int] ?? []
        #expect(pages.count > 1 && pages.allSatisfy { $0 < 70_000 }, "\(pages)")
        // Approving it answers in short too: each column's name and type, the resource has the rest.
        let approve = result.object("wide_approve")
        #expect(approve["is_error"] as? Bool == false, "\(approve)")
        #expect((approve["chars"] as? Int ?? .max) < 20_000, "\(approve)")
        #expect(approve["columns_truncated"] as? Bool == true)
    }

    @Test func concurrentCallsEachGetTheirOwnAnswerAndLoggingLevelIsAccepted() throws {
        let ws = try MCPClientRunner.workspace()
        let r = try MCPClientRunner.run("basics.py", workspace: ws).json
        #expect(r["set_level_ok"] as? Bool == true)
        // After logging/setLevel, a failed call is also a log notification.
        let logs = r["logs"] as? [[String: Any]] ?? []
        #expect(logs.contains { ($0["data"] as? String)?.contains("quick_scan failed: /etc is outside the allowed roots") == true })
        let results = r["concurrent"] as? [[String: Any]] ?? []
        #expect(results.count == 12)
        for c in results {
            #expect(c["root_ok"] as? Bool == true)
            #expect(c["files"] as? Int == 12)
        }
    }

    @Test func stdoutCarriesOnlyProtocolAndClosingStdinEndsTheServerAndItsWorkers() throws {
        let ws = try MCPClientRunner.workspace()
        let r = try MCPClientRunner.run("raw_stdio.py", workspace: ws).json
        #expect(r["all_json"] as? Bool == true)
        #expect(r["ids"] as? [Int] == [1, 2, 3, 4, 5])
        #expect(r["scan_ok"] as? Bool == true)
        #expect(r["set_level_ok"] as? Bool == true)
        // A backtest was running in the background with live workers when stdin closed:
        // the server ended by itself, with exit code 0, and took its workers with it.
        #expect(r["run_started"] as? Bool == true)
        #expect((r["workers_before_close"] as? Int ?? 0) > 0)
        #expect(r["exited_after_stdin_closed"] as? Bool == true)
        #expect(r["returncode"] as? Int == 0)
        #expect(r["workers_after_exit"] as? Int == 0)
        #expect(r["stderr_has_logs"] as? Bool == true)
    }

    @Test func queryOutputPagesAndRefusesWrites() throws {
        let ws = try MCPClientRunner.workspace()
        let r = try MCPClientRunner.run("sql_attacks.py", workspace: ws).json
        let pages = r["pages"] as? [Any] ?? []
        #expect((pages.first as? [Any])?.first as? Int == 0)
        #expect((pages.dropFirst().first as? [Any])?.first as? Int == 100)
        #expect((pages.dropFirst(2).first as? [Any])?.first as? Int == 249)
        #expect(pages.dropFirst(3).first as? Bool == false)
        #expect(pages.dropFirst(4).first as? Int == 50)
        #expect(r.isError("wrong_cursor"))
        // Forged cursors are isError results that say what to do, and the server lives on (the calls below).
        let forged = r.object("forged")
        #expect(forged.count == 4)
        for (name, _) in forged {
            #expect(forged.isError(name), "\(name) should be refused")
            #expect(forged.text(name).contains("cursor"), "\(name): \(forged.text(name))")
            #expect(forged.text(name).contains("omit cursor"), "\(name): \(forged.text(name))")
        }
        #expect(r.isError("huge_cell"))
        #expect(r.text("huge_cell").contains("column big of row 1"), "\(r.text("huge_cell"))")
        #expect(r.text("huge_cell").contains("substr(big, 1, 1000)"), "\(r.text("huge_cell"))")
        let attacks = r.object("attacks")
        for (name, _) in attacks { #expect(attacks.isError(name), "\(name) should be refused") }
        #expect(attacks.count == 7)
        let after = r["after"] as? [Any] ?? []
        #expect(after.first as? Int == 250)
        #expect(after.dropFirst().first as? String == "name-0")
    }

    /// Replies once interleaved when many were in flight and the client read slowly (the SDK's
    /// transport slept on EAGAIN mid-message), and reading a request was quadratic in its size.
    @Test(.timeLimit(.minutes(3)))
    func repliesStayWholeForASlowReaderAndLargeRequestsAreReadLinearlyOrRefused() throws {
        let ws = try MCPClientRunner.workspace()
        let r = try MCPClientRunner.run("stdio_framing.py", workspace: ws, timeout: 170).json
        #expect(r["initialized"] as? Bool == true)
        #expect(r["slow_reader_all_replies"] as? Bool == true)
        #expect(r["slow_reader_replies"] as? Int == 60)
        #expect(r["slow_reader_bad_lines"] as? Int == 0)
        #expect(r["large_requests_answered"] as? Bool == true)
        #expect(r.object("big_request")["result"] != nil, "\(r.object("big_request"))")
        let tooLarge = r.object("too_large")
        #expect(tooLarge["id"] is NSNull)
        #expect(tooLarge.object("error")["code"] as? Int == -32600)
        #expect((tooLarge.object("error")["message"] as? String)?.contains("at most 8388608 bytes per message") == true)
        #expect(r.object("after_too_large")["result"] != nil)
        #expect(r["returncode"] as? Int == 0)
    }

    @Test func malformedJSONRPCGetsErrorRepliesWithNullIdsAndCallsWaitForInitialize() throws {
        let ws = try MCPClientRunner.workspace()
        let r = try MCPClientRunner.run("jsonrpc_errors.py", workspace: ws).json
        let early = try #require((r.object("call_before_initialize")["replies"] as? [[String: Any]])?.first)
        #expect(early["id"] as? Int == 1)
        #expect(early.object("error")["code"] as? Int == -32600)
        #expect((early.object("error")["message"] as? String)?.contains("send initialize") == true, "\(early)")
        for (name, code) in [
            ("object_id", -32600), ("huge_number_id", -32600), ("boolean_id", -32600), ("not_json", -32700),
            ("not_an_object", -32600),
        ] {
            let replies = r.object(name)["replies"] as? [[String: Any]] ?? []
            #expect(replies.count == 1, "\(name): \(replies)")
            #expect(replies.first?["id"] is NSNull, "\(name): \(replies)")
            #expect(replies.first?.object("error")["code"] as? Int == code, "\(name): \(replies)")
            #expect((replies.first?.object("error")["message"] as? String)?.contains("what to do") == true, "\(name): \(replies)")
        }
        #expect(r["call_after_initialize_ok"] as? Bool == true)
    }
}
