import Foundation
import Testing

/// Long runs over MCP: progress, polling, cancellation, crashing plugins, stdin close.
@Suite("MCP long runs")
struct RunsTests {
    @Test func progressPollingCancellationAndCrashes() throws {
        let ws = try MCPClientRunner.workspace()
        let r = try MCPClientRunner.run("runs.py", workspace: ws).json

        // Progress notifications carry the total and increase to it.
        let progress = r["progress"] as? [[Double]] ?? []
        #expect(progress.count == 48)
        #expect(progress.allSatisfy { $0.last == 48 })
        #expect(progress.map(\.[0]) == (1...48).map(Double.init))
        #expect(r.structured("quick")["files_passed"] as? Int == 48)

        // Past the wait budget: a run_id, then get_run_status returns the tool's result.
        #expect(r.structured("started")["status"] as? String == "running")
        #expect(r.structured("started")["run_id"] as? String != nil)
        let polled = r.structured("polled")
        #expect(polled["status"] as? String == "done")
        #expect((polled["result"] as? [String: Any])?["files_passed"] as? Int == 48)

        // A cancelled call stops its run and kills its workers; warm workers of other plugins stay.
        #expect(r["workers_seen_during_slow_run"] as? Bool == true)
        #expect(r["workers_gone_after_cancel"] as? Bool == true)
        #expect(r["cancelled_run"] as? Bool == true)

        // `casparian jobs cancel RUN` from another process stops a background MCP run and its workers.
        #expect(r["bg_workers"] as? Bool == true)
        #expect(r["cli_cancel_code"] as? Int == 0)
        #expect(r.structured("bg_final")["status"] as? String == "cancelled")
        #expect(r["bg_workers_gone"] as? Bool == true)

        // One catalog: the CLI lists the MCP run, and MCP reports the CLI's run.
        let cliJobs = r["cli_jobs"] as? [[String: Any]] ?? []
        #expect(
            cliJobs.contains {
                $0["id"] as? String == r.structured("bg_final")["run_id"] as? String && $0["status"] as? String == "cancelled"
            },
            "\(cliJobs)")
        #expect(r["cli_backtest_code"] as? Int == 0)
        let seen = r.structured("mcp_sees_cli_run")
        #expect(seen["run_id"] as? String == r["cli_run_id"] as? String && seen["status"] as? String == "done", "\(seen)")
        #expect(seen["kind"] as? String == "backtest", "\(seen)")

        // A plugin that aborts its worker: the files fail as crashes, the server keeps serving.
        let crash = r.structured("crash")
        #expect(crash["files_failed"] as? Int == 12)
        #expect(crash["files_passed"] as? Int == 36)
        #expect((crash["categories"] as? [String: Int])?["crash"] == 12)
        let worst = (crash["worst_files"] as? [[String: Any]])?.first
        #expect((worst?["path"] as? String)?.hasPrefix("eu/") == true)
        #expect((worst?["message"] as? String)?.contains("signal 6") == true)
        #expect(!r.isError("serving_after_crash"))
        let salesFiles = FileManager.default.enumerator(
            at: ws.appendingPathComponent("sales"), includingPropertiesForKeys: nil,
            options: [.skipsHiddenFiles])?.allObjects
            .compactMap { $0 as? URL }.filter { !$0.hasDirectoryPath }.count
        #expect(r.structured("serving_after_crash")["file_count"] as? Int == salesFiles)
    }
}
