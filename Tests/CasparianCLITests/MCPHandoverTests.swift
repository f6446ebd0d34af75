import CasparianTestSupport
import Foundation
import Testing

/// `casparian mcp` validates its options, then becomes `casparian-mcp`.
@Suite("CLI: mcp hands over to casparian-mcp")
struct MCPHandoverTests {
    @Test func theServerStartsAndStopsWhenStdinCloses() throws {
        let dir = try TemporaryFolder.create("mcp")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLIRunner.run(["mcp", "--root", dir.path, "--workspace", dir.path], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("serving on stdio"))
        #expect(r.stdout.isEmpty, "stdout carries only MCP messages")
    }

    @Test func badOptionsAreRefusedBeforeTheHandover() throws {
        let r = try CLIRunner.run(["mcp", "--log-level", "loud"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--log-level takes trace"))
        #expect(r.stderr.contains("casparian mcp"), "the usage names the command the user typed")
    }

    @Test func aMissingServerBinaryIsAnEnvironmentErrorWithAHint() throws {
        let r = try CLIRunner.run(["mcp"], environment: ["CASPARIAN_MCP_BINARY": "/nonexistent/casparian-mcp"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("could not start the MCP server /nonexistent/casparian-mcp"))
        #expect(r.stderr.contains("hint: casparian-mcp is built beside casparian"))
    }
}
