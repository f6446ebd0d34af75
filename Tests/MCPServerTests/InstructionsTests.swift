import Foundation
import MCPServer
import Testing

@Suite("MCP server instructions")
struct InstructionsTests {
    @Test func instructionsNameTheFlowInOrder() {
        let t = ServerInstructions.text
        let steps = [
            "quick_scan", "apply_scope", "discover_schemas", "approve_schema", "run_backtest", "fix_parser", "execute_pipeline",
            "query_output",
        ]
        let positions = steps.compactMap { t.range(of: $0)?.lowerBound }
        #expect(positions.count == steps.count)
        #expect(positions == positions.sorted())
    }
}
