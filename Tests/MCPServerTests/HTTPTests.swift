import Foundation
import Testing

/// `casparian mcp --addr`: the same flow over Streamable HTTP, and what the server refuses.
@Suite("MCP over Streamable HTTP")
struct HTTPTests {
    @Test func theFlowWorksOverHTTPAndForeignOriginsHostsAndMissingTokensAreRefused() throws {
        let ws = try MCPClientRunner.workspace()
        let r = try MCPClientRunner.run("streamable_http_flow.py", workspace: ws).json
        #expect((r["url"] as? String)?.hasPrefix("http://127.0.0.1:") == true)
        try FlowTests.checkFlow(r.object("flow"))

        // DNS rebinding protection on a loopback server.
        #expect(r["foreign_origin"] as? Int == 403)
        #expect(r["foreign_host"] as? Int == 421)
        #expect(r["own_origin"] as? Int == 200)
        #expect(r["wrong_path"] as? Int == 404)

        // With --token-env: no token or a wrong one is 401; the right one works, also for the client.
        #expect(r["no_token"] as? Int == 401)
        #expect(r["wrong_token"] as? Int == 401)
        #expect(r["good_token"] as? Int == 200)
        let tokenFlow = r.object("token_flow")
        #expect(tokenFlow.structured("scan")["file_count"] as? Int == 48)
        #expect(((tokenFlow.structured("query")["rows"] as? [[Any]])?.first?.first as? Int) == 2615)

        // Beyond loopback without a token, or with an unset token variable: refused at start (usage, exit 2).
        let beyond = r.object("beyond_loopback_without_token")
        #expect(beyond["code"] as? Int == 2)
        #expect((beyond["stderr"] as? String)?.contains("needs a bearer token") == true)
        let unset = r.object("unset_token_variable")
        #expect(unset["code"] as? Int == 2)
        #expect((unset["stderr"] as? String)?.contains("UNSET_VARIABLE_X") == true)
    }

    /// Half-sent requests once held their connections forever (3,000 exhausted the descriptors)
    /// and abandoned sessions were never freed.
    @Test(.timeLimit(.minutes(2)))
    func halfSentAndIdleConnectionsAreClosedConnectionsAreCappedAndIdleSessionsExpire() throws {
        let ws = try MCPClientRunner.workspace()
        let r = try MCPClientRunner.run("http_limits.py", workspace: ws, timeout: 100).json
        #expect(r["over_limit_closed"] as? Int == 6)
        #expect(r["half_sent_open_meanwhile"] as? Int == 15)
        #expect(r["half_sent_closed"] as? Int == 15)
        #expect(r["silent_closed"] as? Bool == true)
        #expect(r["within_limit_idle_closed"] as? Int == 4)
        #expect(r["initialize"] as? Int == 200)
        #expect(r["session_used_at_once"] as? Int == 200)
        #expect(r["session_after_expiry"] as? Int == 404)
        let objectID = r.object("object_id")
        #expect(objectID["status"] as? Int == 400)
        let body = (objectID["body"] as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } ?? [:]
        #expect(body["id"] is NSNull && body.object("error")["code"] as? Int == -32600, "\(objectID)")
        #expect(r["initialize_again"] as? Int == 200)
        #expect(r["server_running"] as? Bool == true)
    }
}
