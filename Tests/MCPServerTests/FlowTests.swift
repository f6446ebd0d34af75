import Foundation
import Testing

/// scan → scope → discover → approve → backtest → fix → backtest → execute → query
/// on examples/sales, checked against figures the scenario computes from the CSV files.
@Suite("MCP flow on examples/sales")
struct FlowTests {
    @Test func theWholeFlowProducesTheRealNumbers() throws {
        let ws = try MCPClientRunner.workspace()
        try Self.checkFlow(try MCPClientRunner.run("flow.py", workspace: ws).json)
    }

    /// The flow's checks, shared by the stdio and Streamable HTTP tests.
    static func checkFlow(_ r: [String: Any]) throws {
        let expected = r["expected_rows"] as? [Any] ?? []
        let totalRows = try #require(expected.first as? Int)
        let byRegion = try #require(expected.dropFirst().first as? [String: Int])
        #expect(totalRows > 2000)

        #expect(r.structured("scan")["file_count"] as? Int == 48)
        let scope = r.structured("scope")
        #expect(scope["file_count"] as? Int == 48)
        #expect((scope["sample_files"] as? [String])?.count == 10)
        #expect(r.structured("scope_again")["refreshed"] as? Bool == true)

        let discover = r.object("discover").object("structured")
        #expect(discover["files"] as? Int == 48)
        let columns = ((discover["outputs"] as? [[String: Any]])?.first?["columns"] as? [[String: Any]])?.compactMap {
            $0["name"] as? String
        }
        #expect(columns == ["order_id", "order_date", "region", "customer", "sku", "quantity", "unit_price", "amount", "discount"])
        let questions = discover["questions"] as? [[String: Any]] ?? []
        #expect(questions.contains { $0["column"] as? String == "order_date" })
        // The discovery is a run of the workspace, with its scope.
        #expect(discover["status"] as? String == "done")
        let discoverStatus = r.structured("discover_status")
        #expect(discoverStatus["kind"] as? String == "discover" && discoverStatus["status"] as? String == "done", "\(discoverStatus)")
        #expect(r.object("discover_run")["scope_id"] as? String == scope["scope_id"] as? String)
        #expect((r.object("discover_run")["report"] as? [String: Any])?["discovery_id"] as? String == discover["discovery_id"] as? String)
        #expect(r["discovery_scope"] as? String == scope["scope_id"] as? String)

        let approve = r.structured("approve")
        #expect(approve["version"] as? Int == 1)
        #expect((approve["schemas"] as? [[String: Any]])?.first?["output"] as? String == "sales")
        #expect(r["contract_file_exists"] as? Bool == true)
        #expect(r.object("contract_resource")["plugin"] as? String == "sales")
        #expect(r.object("contract_resource")["version"] as? Int == 1)
        #expect(r["discovery_resource_outputs"] as? Int == 1)

        // The first draft fails all but the 11 files without a discount column (discovery saw
        // the column missing, so approval locked it with a null default); progress came with a total.
        let first = r.structured("backtest1")
        #expect(first["files_tested"] as? Int == 48)
        #expect(first["files_passed"] as? Int == 11)
        #expect(first["iteration"] as? Int == 1)
        #expect((first["pass_rate"] as? Double ?? (first["pass_rate"] as? Int).map(Double.init)) == 11.0 / 48)
        #expect((first["clusters"] as? [Any])?.isEmpty == false)
        #expect((first["worst_files"] as? [Any])?.count == 10)
        let progress = r["progress"] as? [[Double]] ?? []
        #expect(progress.count == 48)
        #expect(progress.last == [48, 48])
        #expect(r.structured("status1")["status"] as? String == "done")
        #expect((r["resource_chars"] as? Int ?? 0) > 0)

        // First fix (fixes/v2): the files that failed before still fail, so the run stops early.
        let fixV2 = r.structured("fix_v2")
        #expect(fixV2["early_stopped"] as? Bool == true)
        #expect(fixV2["fixed_count"] as? Int == 0)
        #expect((fixV2["still_failing_count"] as? Int ?? 0) > 0)
        #expect((fixV2["files_skipped"] as? Int ?? 0) > 0)
        #expect(fixV2["verdict"] as? String == "continuing")
        #expect(fixV2["iteration"] as? Int == 2)

        // Second fix (fixes/v3): every known-bad file fixed, none regressed, verdict reached.
        let fix = r.structured("fix")
        #expect(fix["iteration"] as? Int == 3)
        #expect(fix["created"] as? Bool == false)
        #expect(fix["previous_version"] as? String != fix["version"] as? String)
        #expect(fix["fixed_count"] as? Int == 37)
        #expect(fix["still_failing_count"] as? Int == 0)
        #expect(fix["regressed_count"] as? Int == 0)
        #expect(fix["verdict"] as? String == "pass_rate_reached")
        #expect(fix["known_bad_tested"] as? Int == 37)
        #expect(r["parser_replaced"] as? Bool == true)
        #expect(r.structured("backtest2")["files_passed"] as? Int == 48)
        #expect(r.structured("backtest2")["backtest_status"] as? String == "passed")

        // Execute writes exactly the rows in the files; a second execute skips them all.
        let execute = r.structured("execute")
        #expect(execute["rows_written"] as? Int == totalRows)
        #expect(execute["files_ok"] as? Int == 48)
        #expect(execute["tables"] as? [String] == ["sales"])
        #expect(((r.structured("count")["rows"] as? [[Any]])?.first?.first as? Int) == totalRows)
        let regions = r.structured("by_region")["rows"] as? [[Any]] ?? []
        #expect(regions.count == 4)
        for row in regions {
            let name = row.first as? String ?? ""
            #expect(row.last as? Int == byRegion[name], "rows of region \(name)")
        }
        #expect(r.structured("again")["files_skipped"] as? Int == 48)
        #expect(r.structured("again")["rows_written"] as? Int == 0)
    }
}
