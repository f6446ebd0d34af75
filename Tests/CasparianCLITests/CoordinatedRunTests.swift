import CasparianTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Runs shared by several nodes through a PostgreSQL coordinator: nodes
/// are `casparian run … --coordinator` and `casparian join` processes on
/// this machine, writing to a PostgreSQL target, checked with psql.
@Suite("Coordinated runs: many nodes, one run, PostgreSQL coordinates", .serialized)
struct CoordinatedRunTests {
    static let files = 300
    static let rowsPerFile = 20

    /// `files` CSV files of `rowsPerFile` rows (ids unique across the
    /// corpus), a plugin that sleeps `sleep` seconds a file, its contract, a scope `all`.
    static func corpus(_ name: String, sleep: Double) throws -> URL {
        let dir = try TemporaryFolder.create(name)
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for i in 0..<files {
            let lines = (0..<rowsPerFile).map { "\(i * 1000 + $0),\($0 % 7)" }.joined(separator: "\n")
            try Data(("id,v\n" + lines + "\n").utf8).write(to: data.appendingPathComponent(String(format: "f-%03d.csv", i)))
        }
        try writePlugin(dir, sleep: sleep)
        #expect(try CLIRunner.run(["scope", "create", "all", "--root", "data"], in: dir).status == 0)
        return dir
    }

    static func writePlugin(_ dir: URL, sleep: Double, extra: String = "") throws {
        let plugin = dir.appendingPathComponent("plugins/co")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        try Data(
            """
            import csv, time
            pattern = "*.csv"
            def parse(path):
                time.sleep(\(sleep))\(extra)
                with open(path, newline="") as f:
                    for rec in csv.DictReader(f):
                        yield {"id": int(rec["id"]), "v": int(rec["v"])}
            """.utf8
        ).write(to: plugin.appendingPathComponent("parser.py"))
        try Data(
            """
            {"id": "ctr_co", "plugin": "co", "version": 1, "approved_at": "2026-01-01T00:00:00.000Z", "approved_by": "test",
             "schemas": [{"output": "co", "mode": "strict", "columns": [
                {"name": "id", "type": "int64", "nullable": false}, {"name": "v", "type": "int64", "nullable": false}]}]}
            """.utf8
        ).write(to: plugin.appendingPathComponent("contract.json"))
    }

    /// The sum of every id of the corpus, for exact checks.
    static var idSum: Int { (0..<files).reduce(0) { s, i in s + (0..<rowsPerFile).reduce(0) { $0 + i * 1000 + $1 } } }

    static func start(_ args: [String], in dir: URL) throws -> LaunchedProcess {
        try CLIRunner.launch(args, in: dir, timeout: 240).start()
    }

    static func runArgs(_ url: String, lease: Int = 3) -> [String] {
        ["run", "co", "--scope", "all", "--to", url, "--coordinator", url, "--jobs", "1", "--lease", String(lease), "--quiet", "--json"]
    }

    static func joinArgs(_ url: String, lease: Int = 3) -> [String] {
        ["join", "--coordinator", url, "--jobs", "1", "--lease", String(lease), "--quiet", "--json"]
    }

    static func one(_ url: String, _ sql: String) throws -> String {
        try TestPostgres.psql(url, sql).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits until the coordinator has an open run, and returns its id.
    static func openRun(_ url: String) throws -> String {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let id = try? one(url, "SELECT id FROM casparian_coordinator.runs WHERE status = 'open'"), !id.isEmpty { return id }
            usleep(50_000)
        }
        Issue.record("no open run appeared in the coordinator within 60 s")
        throw CancellationError()
    }

    static func filesDone(_ url: String) -> Int {
        Int((try? one(url, "SELECT count(*) FROM casparian_coordinator.files WHERE state = 'done'")) ?? "0") ?? 0
    }

    /// Every file's rows are in the output exactly once.
    static func expectExactOutput(_ url: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let totals = try one(url, "SELECT count(*), count(DISTINCT id), count(DISTINCT _cf_file), sum(id) FROM co")
        #expect(totals == "\(files * rowsPerFile)|\(files * rowsPerFile)|\(files)|\(idSum)", sourceLocation: sourceLocation)
        let states = try one(url, "SELECT state, count(*) FROM casparian_coordinator.files GROUP BY state")
        #expect(states == "done|\(files)", sourceLocation: sourceLocation)
    }

    @Test func threeNodesShareOneRunAndWriteEachFileOnce() throws {
        let dir = try Self.corpus("coord-three", sleep: 0.01)
        let url = try TestPostgres.freshDatabase(name: "coord_three")
        let first = try Self.start(Self.runArgs(url), in: dir)
        let id = try Self.openRun(url)
        let others = try (0..<2).map { _ in try Self.start(Self.joinArgs(url) + [id], in: dir) }
        for p in [first] + others {
            let r = try p.wait()
            #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        }
        try Self.expectExactOutput(url)
        let nodes = try Self.one(
            url, "SELECT count(*), sum(files_done), count(*) FILTER (WHERE status = 'finished') FROM casparian_coordinator.nodes")
        #expect(nodes == "3|\(Self.files)|3")
        #expect(try Self.one(url, "SELECT status FROM casparian_coordinator.runs") == "done")
        // The listing any machine can read.
        let listed = try CLIRunner.run(["jobs", "--coordinator", url], in: dir)
        #expect(
            listed.status == 0 && listed.stdout.contains(id) && listed.stdout.contains("\(Self.files)/\(Self.files) files ended"),
            "\(listed.stdout)")
        // Running again: every file is unchanged, so a new run has nothing to parse.
        let again = try CLIRunner.run(Self.runArgs(url), in: dir)
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        try #expect(Self.one(url, "SELECT count(*) FROM co") == "\(Self.files * Self.rowsPerFile)")
    }

    @Test func twoNodesShareABacktestAndEveryVerdictIsRecordedOnce() throws {
        let dir = try Self.corpus("coord-backtest", sleep: 0.01)
        // Files whose name ends in 0 fail: 30 of 300.
        try Self.writePlugin(dir, sleep: 0.01, extra: "\n    if path.endswith(\"0.csv\"): raise ValueError(\"no tens\")")
        let url = try TestPostgres.freshDatabase(name: "coord_backtest")
        let args = ["backtest", "co", "--scope", "all", "--coordinator", url, "--jobs", "1", "--lease", "3", "--quiet", "--json"]
        let first = try Self.start(args, in: dir)
        let second = try Self.start(["join", "--coordinator", url, "--wait", "30", "--jobs", "1", "--quiet", "--json"], in: dir)
        var passed = 0
        var failed = 0
        for p in [first, second] {
            let r = try p.wait()
            #expect(r.status == 1, "files failed, so every node exits 1: \(r.stderr)")
            let report = try #require(
                (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["report"] as? [String: Any])
            passed += report["files_passed"] as? Int ?? 0
            failed += report["files_failed"] as? Int ?? 0
            let clusters = report["clusters"] as? [[String: Any]] ?? []
            #expect(clusters.isEmpty || "\(clusters)".contains("no tens"), "\(clusters)")
        }
        #expect(passed == 270 && failed == 30, "each file judged once across the nodes: \(passed) passed, \(failed) failed")
        let states = try Self.one(url, "SELECT state, count(*) FROM casparian_coordinator.files GROUP BY state ORDER BY state")
        #expect(states == "done|270\nfailed|30", "\(states)")
        let kinds = try Self.one(url, "SELECT kind, status FROM casparian_coordinator.runs")
        #expect(kinds == "backtest|done")
        // The high-failure history is the coordinator's: the next shared
        // backtest, on any machine, takes the files that failed first.
        #expect(try Self.one(url, "SELECT consecutive, count(*) FROM casparian_coordinator.history GROUP BY 1 ORDER BY 1") == "0|270\n1|30")
        let again = try CLIRunner.run(["backtest", "co", "--scope", "all", "--coordinator", url, "--jobs", "1", "--quiet"], in: dir)
        #expect(again.status == 1, "\(again.stderr)")
        let next = try Self.one(url, "SELECT id FROM casparian_coordinator.runs ORDER BY created_at DESC LIMIT 1")
        #expect(try Self.one(url, "SELECT count(*) FROM casparian_coordinator.files WHERE run_id = '\(next)' AND turn = 0") == "30")
        let failedFirst = try Self.one(
            url,
            "SELECT (SELECT max(finished_at) FROM casparian_coordinator.files WHERE run_id = '\(next)' AND state = 'failed') <= (SELECT min(finished_at) FROM casparian_coordinator.files WHERE run_id = '\(next)' AND state = 'done')"
        )
        #expect(failedFirst == "t", "every failing file was judged before the passing ones")
        #expect(try Self.one(url, "SELECT consecutive, count(*) FROM casparian_coordinator.history GROUP BY 1 ORDER BY 1") == "0|270\n2|30")
        let noCI = try CLIRunner.run(["backtest", "plugins", "--corpus", "data", "--coordinator", url], in: dir)
        #expect(noCI.status == 2 && noCI.stderr.contains("--shard"), "\(noCI.stderr)")
    }

    @Test func aKilledNodesFilesAreTakenOverAndWrittenOnce() throws {
        let dir = try Self.corpus("coord-kill", sleep: 0.05)
        let url = try TestPostgres.freshDatabase(name: "coord_kill")
        let first = try Self.start(Self.runArgs(url), in: dir)
        let id = try Self.openRun(url)
        let victim = try Self.start(Self.joinArgs(url) + [id], in: dir)
        let third = try Self.start(Self.joinArgs(url) + [id], in: dir)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, Self.filesDone(url) < 40 { usleep(50_000) }
        victim.send(SIGKILL, group: true)
        _ = try victim.wait()
        for p in [first, third] {
            let r = try p.wait()
            #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        }
        try Self.expectExactOutput(url)
        let stale = try Self.one(url, "SELECT count(*) FROM casparian_coordinator.nodes WHERE status = 'running'")
        #expect(stale == "1", "the killed node never left: its row stays running, with an old heartbeat")
        let retaken = try Self.one(url, "SELECT count(*) FROM casparian_coordinator.files WHERE claims > 1")
        #expect(Int(retaken) ?? 0 >= 1, "the killed node's files were claimed again")
    }

    @Test func aNodeWithAnotherParserVersionIsRefused() throws {
        let dir = try Self.corpus("coord-version", sleep: 0.05)
        let url = try TestPostgres.freshDatabase(name: "coord_version")
        let first = try Self.start(Self.runArgs(url), in: dir)
        let id = try Self.openRun(url)
        // Another machine, whose parser.py differs.
        let other = try TemporaryFolder.create("coord-version-other")
        try Self.writePlugin(other, sleep: 0.05, extra: "  # changed")
        #expect(try CLIRunner.run(["scope", "create", "x", "--root", "."], in: other).status == 0)
        let refused = try CLIRunner.run(Self.joinArgs(url) + [id], in: other)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("would mix two versions") && refused.stderr.contains("same parser.py"), "\(refused.stderr)")
        let r = try first.wait()
        #expect(r.status == 0, "\(r.stderr)")
        try Self.expectExactOutput(url)
        // Wrong input says what is wrong.
        let unknown = try CLIRunner.run(Self.joinArgs(url) + ["crun_nope"], in: dir)
        #expect(unknown.status != 0 && unknown.stderr.contains("no run crun_nope"), "\(unknown.stderr)")
        let none = try CLIRunner.run(Self.joinArgs(url), in: dir)
        #expect(none.status != 0 && none.stderr.contains("no open run"), "\(none.stderr)")
        let sqlite = try CLIRunner.run(["run", "co", "--scope", "all", "--coordinator", url], in: dir)
        #expect(sqlite.status != 0 && sqlite.stderr.contains("writes to PostgreSQL"), "\(sqlite.stderr)")
        let unreachable = try CLIRunner.run(Self.joinArgs("postgresql://nobody@/x?host=/nonexistent&port=1"), in: dir)
        #expect(unreachable.status != 0 && unreachable.stderr.contains("cannot reach the coordinator"), "\(unreachable.stderr)")
    }

    /// The first version's tables, as a node of that version made them.
    static let versionOneSchema = """
        CREATE SCHEMA casparian_coordinator;
        CREATE TABLE casparian_coordinator.schema_version (version integer NOT NULL);
        INSERT INTO casparian_coordinator.schema_version VALUES (1);
        CREATE TABLE casparian_coordinator.runs (
            id text PRIMARY KEY, kind text NOT NULL, plugin text NOT NULL, parser_version text NOT NULL,
            contract_version integer NOT NULL, scope text NOT NULL, target jsonb NOT NULL,
            status text NOT NULL DEFAULT 'open', lease_seconds integer NOT NULL, max_claims integer NOT NULL,
            files_total integer NOT NULL, files_skipped integer NOT NULL DEFAULT 0,
            created_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz);
        CREATE TABLE casparian_coordinator.files (
            run_id text NOT NULL REFERENCES casparian_coordinator.runs(id) ON DELETE CASCADE, path text NOT NULL,
            state text NOT NULL DEFAULT 'todo', node text, lease_until timestamptz,
            claims integer NOT NULL DEFAULT 0, rows bigint, category text, message text,
            finished_at timestamptz, PRIMARY KEY (run_id, path));
        CREATE INDEX files_by_state ON casparian_coordinator.files (run_id, state);
        CREATE TABLE casparian_coordinator.nodes (
            run_id text NOT NULL REFERENCES casparian_coordinator.runs(id) ON DELETE CASCADE, node text NOT NULL,
            host text NOT NULL, pid integer NOT NULL, jobs integer NOT NULL,
            started_at timestamptz NOT NULL DEFAULT now(), last_heartbeat timestamptz NOT NULL DEFAULT now(),
            files_claimed integer NOT NULL DEFAULT 0, files_done integer NOT NULL DEFAULT 0,
            files_failed integer NOT NULL DEFAULT 0, rows bigint NOT NULL DEFAULT 0,
            status text NOT NULL DEFAULT 'running', error text, PRIMARY KEY (run_id, node));
        INSERT INTO casparian_coordinator.runs (id, kind, plugin, parser_version, contract_version, scope, target,
            status, lease_seconds, max_claims, files_total)
            VALUES ('crun_old', 'execute', 'co', 'v1hash', 1, 'all data', '{"kind": "postgresql", "location": "postgresql://elsewhere/db"}', 'done', 60, 3, 2);
        INSERT INTO casparian_coordinator.files (run_id, path, state, rows) VALUES
            ('crun_old', '/data/a.csv', 'done', 5), ('crun_old', '/data/b.csv', 'done', 7);
        """

    @Test func anEarlierVersionsTablesAreMigratedInPlaceAndANewerOnesRefused() throws {
        let dir = try Self.corpus("coord-migrate", sleep: 0)
        let url = try TestPostgres.freshDatabase(name: "coord_migrate")
        _ = try TestPostgres.psql(url, Self.versionOneSchema)
        // Any use migrates: listing the runs, then a run of its own.
        let listed = try CLIRunner.run(["jobs", "--coordinator", url], in: dir)
        #expect(listed.status == 0 && listed.stdout.contains("crun_old"), "\(listed.stdout)\(listed.stderr)")
        #expect(try Self.one(url, "SELECT version FROM casparian_coordinator.schema_version") == "3")
        #expect(
            try Self.one(
                url,
                "SELECT is_nullable FROM information_schema.columns WHERE table_schema = 'casparian_coordinator' AND table_name = 'runs' AND column_name = 'target'"
            ) == "YES")
        #expect(try Self.one(url, "SELECT root FROM casparian_coordinator.runs WHERE id = 'crun_old'") == "")
        #expect(
            try Self.one(url, "SELECT indexdef FROM pg_indexes WHERE indexname = 'files_by_state'").hasSuffix("(run_id, state, turn, path)")
        )
        let r = try CLIRunner.run(Self.runArgs(url), in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.one(url, "SELECT count(*), count(DISTINCT _cf_file) FROM co") == "\(Self.files * Self.rowsPerFile)|\(Self.files)")
        #expect(
            try Self.one(url, "SELECT state, count(*) FROM casparian_coordinator.files WHERE run_id <> 'crun_old' GROUP BY state")
                == "done|\(Self.files)")
        // The earlier run's record is kept as it was.
        #expect(try Self.one(url, "SELECT count(*), sum(rows) FROM casparian_coordinator.files WHERE run_id = 'crun_old'") == "2|12")
        // A run whose record cannot be read is named, with what to do.
        _ = try TestPostgres.psql(url, "UPDATE casparian_coordinator.runs SET target = '{\"kind\": 7}' WHERE id = 'crun_old'")
        let damaged = try CLIRunner.run(["jobs", "--coordinator", url], in: dir)
        #expect(
            damaged.status != 0 && damaged.stderr.contains("run crun_old in the coordinator has a target this Casparian cannot read")
                && !damaged.stderr.contains("internal error"), "\(damaged.stderr)")
        // Tables of a newer Casparian are refused, and left alone.
        _ = try TestPostgres.psql(url, "UPDATE casparian_coordinator.schema_version SET version = 4")
        let newer = try CLIRunner.run(["jobs", "--coordinator", url], in: dir)
        #expect(newer.status != 0 && newer.stderr.contains("newer Casparian (version 4"), "\(newer.stderr)")
        #expect(try Self.one(url, "SELECT version FROM casparian_coordinator.schema_version") == "4")
    }

    @Test func cancelFromAnotherProcessStopsEveryNode() throws {
        let dir = try Self.corpus("coord-cancel", sleep: 0.1)
        let url = try TestPostgres.freshDatabase(name: "coord_cancel")
        let first = try Self.start(Self.runArgs(url), in: dir)
        let id = try Self.openRun(url)
        let others = try (0..<2).map { _ in try Self.start(Self.joinArgs(url) + [id], in: dir) }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, Self.filesDone(url) < 10 { usleep(50_000) }
        let cancelled = Date()
        let cancel = try CLIRunner.run(["jobs", "cancel", id, "--coordinator", url], in: dir)
        #expect(cancel.status == 0 && cancel.stdout.contains("asked every node"), "\(cancel.stdout)\(cancel.stderr)")
        for p in [first] + others {
            let r = try p.wait()
            #expect(r.status != 0 && r.stderr.contains("was cancelled"), "\(r.stderr)")
        }
        #expect(Date().timeIntervalSince(cancelled) < 3 + 2, "every node stopped within a lease period (3 s)")
        let done = Self.filesDone(url)
        #expect(done < Self.files, "stopped before the end (\(done) files)")
        // What was written is whole: each written file once.
        let perFile = try Self.one(
            url, "SELECT count(*) FROM (SELECT _cf_file FROM co GROUP BY _cf_file HAVING count(*) <> \(Self.rowsPerFile)) x")
        #expect(perFile == "0")
        #expect(try Self.one(url, "SELECT status FROM casparian_coordinator.runs") == "cancelled")
    }

    @Test func losingTheCoordinatorStopsEveryNodeAndTheNextStartResumes() throws {
        let dir = try Self.corpus("coord-lost", sleep: 0.05)
        // A server of its own: this test stops it.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cpl-\(UUID().uuidString.prefix(6).lowercased())").path
        let started = try ProcessLaunch("/bin/bash", [TestPostgres.script, "start", folder], timeout: 120).run()
        try #require(started.status == 0, "\(started.stderr)")
        defer { _ = try? ProcessLaunch("/bin/bash", [TestPostgres.script, "stop", folder], timeout: 120).run() }
        let url = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let first = try Self.start(Self.runArgs(url), in: dir)
        let id = try Self.openRun(url)
        let other = try Self.start(Self.joinArgs(url) + [id], in: dir)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, Self.filesDone(url) < 30 { usleep(50_000) }
        let halt = try ProcessLaunch("/bin/bash", [TestPostgres.script, "halt", folder], timeout: 60).run()
        try #require(halt.status == 0, "\(halt.stdout)\(halt.stderr)")
        for p in [first, other] {
            let r = try p.wait()
            #expect(r.status != 0, "\(r.stdout)")
            #expect(r.stderr.contains("coordinator") || r.stderr.contains("postgresql"), "a clear error naming what was lost: \(r.stderr)")
        }
        let restart = try ProcessLaunch("/bin/bash", [TestPostgres.script, "restart", folder], timeout: 60).run()
        try #require(restart.status == 0, "\(restart.stdout)\(restart.stderr)")
        let before = Self.filesDone(url)
        #expect(before > 0 && before < Self.files)
        let resumed = try CLIRunner.run(Self.joinArgs(url) + [id], in: dir, timeout: 240)
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        try Self.expectExactOutput(url)
    }
}
