import CasparianTestSupport
import Catalog
import Foundation
import Testing

/// `casparian jobs`/`files`/`analyze` against a workspace whose jobs another
/// process (this test) started.
@Suite("CLI: jobs, files, analyze")
struct JobsCommandTests {
    @Test func cliSeesAndCancelsAJobOfAnotherProcess() throws {
        let dir = try TemporaryFolder.create("jobs")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".casparian"), withIntermediateDirectories: true)
        let catalog = try Catalog(url: dir.appendingPathComponent(".casparian/catalog.sqlite"))
        let id = try catalog.startRun(kind: .execute, plugin: "sales", scopeID: nil, parserVersion: "v1")
        try catalog.updateRunProgress(id: id, progressJSON: #"{"files_done": 3, "files_total": 8}"#)

        let listed = try CLIRunner.run(["jobs", "--running", "--json", "--workspace", dir.path])
        #expect(listed.status == 0, "\(listed.stderr)")
        let jobs = try #require(try listed.json() as? [[String: Any]])
        #expect(jobs.map { $0["id"] as? String } == [id])
        #expect(jobs.first?["status"] as? String == "running")
        #expect((jobs.first?["progress"] as? [String: Any])?["files_done"] as? Int == 3)

        let cancel = try CLIRunner.run(["jobs", "cancel", id, "--workspace", dir.path])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(try catalog.isCancelRequested(id: id), "the owner sees the CLI's request")

        try catalog.finishRun(id: id, status: .cancelled, resultJSON: nil)
        let again = try CLIRunner.run(["jobs", "cancel", id, "--workspace", dir.path])
        #expect(again.status == 2 && again.stderr.contains("already finished"), "\(again.stderr)")
        let show = try CLIRunner.run(["jobs", "show", id, "--workspace", dir.path])
        #expect(show.status == 0 && show.stdout.contains("cancelled"), "\(show.stdout)\(show.stderr)")
        let missing = try CLIRunner.run(["jobs", "show", "run_nope", "--workspace", dir.path])
        #expect(missing.status == 2 && missing.stderr.contains("no run with id run_nope"))
    }

    @Test func filesListsResultsAndTags() throws {
        let dir = try TemporaryFolder.create("files")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".casparian"), withIntermediateDirectories: true)
        let catalog = try Catalog(url: dir.appendingPathComponent(".casparian/catalog.sqlite"))
        let a = dir.appendingPathComponent("a.csv").path
        let b = dir.appendingPathComponent("b.csv").path
        _ = try catalog.fileIDs(for: [a, b])
        try catalog.tag([FoundFile(path: b, size: 0, mtime: 0)], with: "urgent")
        let run = try catalog.startRun(kind: .backtest, plugin: "sales", scopeID: nil, parserVersion: "v3")
        try catalog.recordRunFiles(
            runID: run,
            results: [RunFileRecord(path: a, status: .failed, category: "schema_violation", message: "column x", rows: 0, durationMs: 3)])

        let failed = try #require(
            try CLIRunner.run(["files", "--status", "failed", "--json", "--workspace", dir.path]).json() as? [[String: Any]])
        #expect(failed.map { $0["path"] as? String } == [a])
        let result = try #require((failed.first?["results"] as? [[String: Any]])?.first)
        #expect(result["category"] as? String == "schema_violation" && result["parser_version"] as? String == "v3")
        let untested = try CLIRunner.run(["files", "--status", "untested", "--workspace", dir.path])
        #expect(untested.stdout.contains("b.csv") && untested.stdout.contains("urgent") && !untested.stdout.contains("a.csv"))
        let bad = try CLIRunner.run(["files", "--status", "broken", "--workspace", dir.path])
        #expect(bad.status == 2 && bad.stderr.contains("broken"), "an unknown status is a usage error")
    }

    @Test func analyzeNamesFormatsAndScanCountsThem() throws {
        let dir = try TemporaryFolder.create("analyze")
        let files = ["t.csv": "a,b\n1,2\n3,4\n", "events.dat": "{\"a\": 1}\n{\"a\": 2}\n", "doc.csv": "[{\"x\": 1}]"]
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        let json = try #require(try CLIRunner.run(["analyze", dir.path, "--json"]).json() as? [String: Any])
        let formats = Dictionary(
            uniqueKeysWithValues: (json["files"] as? [[String: Any]] ?? []).map {
                ($0["path"] as? String ?? "", ($0["analysis"] as? [String: Any])?["format"] as? String ?? "")
            })
        #expect(formats == ["t.csv": "csv", "events.dat": "jsonl", "doc.csv": "json"])
        let scan = try #require(try CLIRunner.run(["scan", dir.path, "--formats", "--json"]).json() as? [String: Any])
        let byFormat = (scan["by_format"] as? [[String: Any]] ?? []).map { $0["name"] as? String ?? "" }
        #expect(Set(byFormat) == ["csv", "json", "jsonl"])
        let missing = try CLIRunner.run(["analyze", dir.appendingPathComponent("nope").path])
        #expect(missing.status == 2 && missing.stderr.contains("does not exist"))
        // Discovery with the built-in reader names the formats it cannot read.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("t.csv"))
        let discover = try CLIRunner.run(["discover", dir.path], in: dir)
        #expect(discover.status != 0 && discover.stderr.contains("1 json") && discover.stderr.contains("1 jsonl"), "\(discover.stderr)")
    }
}

/// A real backtest (real workers) run by one `casparian` process, found and
/// cancelled by another.
@Suite("CLI: cancelling a running backtest from another process")
struct JobsCancelEndToEndTests {
    @Test func backtestStopsWhenCancelledFromAnotherProcess() throws {
        let dir = try TemporaryFolder.create("cancel")
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        for i in 0..<40 { try Data("line \(i)\n".utf8).write(to: dir.appendingPathComponent("data/f\(i).txt")) }
        try fm.createDirectory(at: dir.appendingPathComponent("plugins/slow"), withIntermediateDirectories: true)
        try Data(
            """
            import time
            def parse(path):
                time.sleep(0.4)
                yield {"value": open(path).read()}
            """.utf8
        ).write(to: dir.appendingPathComponent("plugins/slow/parser.py"))
        let scope = try CLIRunner.run(["scope", "create", "data", "--root", "data"], in: dir)
        #expect(scope.status == 0, "\(scope.stderr)")

        let backtest = try CLIRunner.launch(["backtest", "slow", "--scope", "data", "--jobs", "1", "--quiet", "--json"], in: dir).start()
        defer { backtest.stop() }

        var id: String?
        for _ in 0..<300 where id == nil {
            let jobs = try CLIRunner.run(["jobs", "--running", "--json"], in: dir).json() as? [[String: Any]]
            id = jobs?.first?["id"] as? String
            if id == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        let job = try #require(id, "the backtest never showed up in `casparian jobs --running`")
        let cancel = try CLIRunner.run(["jobs", "cancel", job], in: dir)
        #expect(cancel.status == 0, "\(cancel.stderr)")
        for _ in 0..<600 where backtest.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        #expect(!backtest.isRunning, "the backtest did not stop within a minute of the cancel")
        _ = try backtest.wait()

        let shown = try #require(try CLIRunner.run(["jobs", "show", job, "--json"], in: dir).json() as? [String: Any])
        #expect(shown["status"] as? String == "cancelled")
        #expect(shown["cancel_requested"] as? Bool == true)
        #expect(((shown["files"] as? [Any])?.count ?? 0) < 40, "it stopped before testing every file")
    }
}
