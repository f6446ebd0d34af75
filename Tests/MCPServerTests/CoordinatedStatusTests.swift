import CasparianTestSupport
import Foundation
import Testing

@Suite("MCP: get_run_status of a run shared between machines")
struct CoordinatedStatusTests {
    @Test func aCoordinatedRunIsReportedWithItsNodes() throws {
        let ws = try TemporaryFolder.create("mcp-coordinated")
        let pg = try TestPostgres.freshDatabase(name: "mcp_coordinated")
        let data = ws.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for i in 0..<6 { try Data("id\n\(i)\n\(i + 100)\n".utf8).write(to: data.appendingPathComponent("f\(i).csv")) }
        let plugin = ws.appendingPathComponent("plugins/ids")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        try Data(
            """
            import csv
            pattern = "*.csv"
            def parse(path):
                with open(path, newline="") as f:
                    for rec in csv.DictReader(f):
                        yield {"id": int(rec["id"])}
            """.utf8
        ).write(to: plugin.appendingPathComponent("parser.py"))
        try Data(
            """
            {"id": "ctr_ids", "plugin": "ids", "version": 1, "approved_at": "2026-01-01T00:00:00.000Z", "approved_by": "test",
             "schemas": [{"output": "ids", "mode": "strict", "columns": [{"name": "id", "type": "int64", "nullable": false}]}]}
            """.utf8
        ).write(to: plugin.appendingPathComponent("contract.json"))
        #expect(try CLIRunner.run(["scope", "create", "all", "--root", "data"], in: ws).status == 0)
        let run = try CLIRunner.run(["run", "ids", "--scope", "all", "--to", pg, "--coordinator", pg, "--json", "--quiet"], in: ws)
        try #require(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let id = try #require((try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])?["run_id"] as? String)

        let r = try MCPClientRunner.run(
            "coordinated.py", workspace: ws, environment: ["CASPARIAN_TEST_PG": pg, "CASPARIAN_TEST_RUN": id]
        ).json
        let status = r.structured("status")
        #expect(status["status"] as? String == "done" && status["rows"] as? Int == 12, "\(status)")
        let nodes = status["nodes"] as? [[String: Any]] ?? []
        #expect(nodes.count == 1 && nodes.first?["files_done"] as? Int == 6, "\(nodes)")
        #expect((status["summary"] as? String)?.contains("6 written") == true, "\(status)")
        let noURL = r.object("no_url")
        #expect(noURL["is_error"] as? Bool == true && "\(noURL)".contains("coordinator"), "\(noURL)")
        let unknown = r.object("unknown")
        #expect(unknown["is_error"] as? Bool == true && "\(unknown)".contains("no run crun_nope"), "\(unknown)")
    }
}
