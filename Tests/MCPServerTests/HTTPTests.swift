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
}
