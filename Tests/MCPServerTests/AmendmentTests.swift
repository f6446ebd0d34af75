import Foundation
import Testing

/// propose_amendment / approve_amendment over MCP.
@Suite("MCP contract amendments")
struct AmendmentTests {
    @Test func aBacktestsViolationsBecomeAProposalThatApprovalTurnsIntoTheNextVersion() throws {
        let ws = try MCPClientRunner.workspace()
        let r = try MCPClientRunner.run("amendments.py", workspace: ws).json
        #expect(r["early_files"] as? Int == 12)
        #expect((r.structured("approve")["schemas"] as? [[String: Any]])?.first.map { ($0["columns"] as? [Any])?.count } == 8)

        // The fixed parser emits `discount`, which the early contract lacks: every file fails.
        let fix = r.structured("fix")
        #expect(fix["files_failed"] as? Int == 48)
        #expect(fix["verdict"] as? String == "continuing")

        // From the run's violations: one proposal adding the column, for all 48 files.
        let proposed = r.structured("from_run")
        #expect(proposed["changes"] as? [String] == ["add_column discount float64 nullable"])
        #expect(proposed["affected_files"] as? Int == 48)
        #expect(proposed["base_version"] as? Int == 1)
        let decisions = r["decisions"] as? [[String: Any]] ?? []
        #expect(decisions.count == 1)
        #expect((decisions.first?["structured"] as? [String: Any])?["version"] as? Int == 2)
        #expect((decisions.first?["structured"] as? [String: Any])?["status"] as? String == "approved")

        // An explicit proposal, rejected: the version stays 2.
        #expect(r.structured("explicit")["changes"] as? [String] == ["set_nullable amount → true"])
        #expect(r.structured("reject")["status"] as? String == "rejected")
        #expect(r.structured("reject")["version"] as? Int == 2)

        // With the amended contract the fixed parser passes everywhere.
        #expect(r.structured("after")["files_passed"] as? Int == 48)

        // Bad input is an isError result that says what to send.
        #expect(r.isError("bad_change"))
        #expect(r.text("bad_change").contains("[0].column"))
        #expect(r.isError("both"))
        #expect(r.text("both").contains("exactly one"))
        #expect(r.isError("unknown_contract"))
        #expect(r.isError("bad_action"))
        #expect(r.text("bad_action").contains("approve_with_changes"))
    }
}
