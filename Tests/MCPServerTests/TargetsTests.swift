import CasparianTestSupport
import Foundation
import Testing

@Suite("MCP: execute_pipeline into Parquet and PostgreSQL, list_outputs, query_output on PostgreSQL")
struct TargetsTests {
    @Test func executeListAndQueryAcrossTargets() throws {
        let ws = try TemporaryFolder.create("mcp-targets")
        let pg = try TestPostgres.freshDatabase(name: "mcp_targets")
        let r = try MCPClientRunner.run("targets.py", workspace: ws, environment: ["CASPARIAN_TEST_PG": pg]).json
        let parquet = r.structured("parquet")
        #expect(parquet["status"] as? String == "done" && parquet["rows_written"] as? Int == 3, "\(parquet)")
        let parquetTarget = parquet["target"] as? String ?? ""
        #expect(parquetTarget.hasPrefix("parquet:/") && parquetTarget.hasSuffix("/lake"), "a folder under the workspace: \(parquetTarget)")
        #expect(FileManager.default.fileExists(atPath: ws.appendingPathComponent("lake/permits/_manifest.json").path))
        let postgres = r.structured("postgres")
        #expect(postgres["status"] as? String == "done" && postgres["rows_written"] as? Int == 3, "\(postgres)")
        #expect((postgres["target"] as? String)?.hasPrefix("postgresql://") == true)

        let bad = r.object("bad")
        #expect(bad["is_error"] as? Bool == true, "\(bad)")
        #expect("\(bad)".contains("unknown output target") && "\(bad)".contains("parquet:FOLDER"), "\(bad)")

        let targets = r.structured("list")["targets"] as? [[String: Any]] ?? []
        // Nothing was written to SQLite, so only the two targets are listed.
        #expect(targets.compactMap { $0["kind"] as? String }.sorted() == ["parquet", "postgresql"], "\(targets)")
        #expect(targets.allSatisfy { ($0["tables"] as? [[String: Any]])?.first?["rows"] as? Int == 3 }, "\(targets)")

        let rows = r.structured("query")["rows"] as? [[Any]] ?? []
        #expect((rows.first?.first as? Double) == 32.0 || (rows.first?.first as? Int) == 32, "\(rows)")
        let write = r.object("write")
        #expect(write["is_error"] as? Bool == true && "\(write)".contains("read-only"), "\(write)")
    }
}
