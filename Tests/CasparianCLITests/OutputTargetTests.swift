import CasparianTestSupport
import Foundation
import Testing

/// One suite, every target: `casparian run --to sqlite | parquet:DIR |
/// postgresql://…`, read back with readers that are not Casparian's —
/// Python's sqlite3, pyarrow and DuckDB for Parquet, psql for PostgreSQL.
@Suite("Output targets: every type, kill -9, re-runs, bad targets", .serialized)
struct OutputTargetTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, parquet, postgresql
        var testDescription: String { rawValue }
    }

    /// A workspace and the target a test writes to.
    struct Target {
        var kind: Kind
        var dir: URL
        /// `--to` (and `--schema`) as run takes them.
        var arguments: [String]
        var postgresURL: String?

        init(_ kind: Kind, dir: URL) throws {
            self.kind = kind
            self.dir = dir
            switch kind {
            case .sqlite: arguments = []
            case .parquet: arguments = ["--to", "parquet:lake"]
            case .postgresql:
                let url = try TestPostgres.freshDatabase(name: "targets_\(dir.lastPathComponent)")
                postgresURL = url
                arguments = ["--to", url, "--schema", "out"]
            }
        }

        /// Rows of `sql` read by a reader that is not Casparian, each value
        /// in one canonical text form (see `canonical`). `{T}` in the SQL
        /// names table T (a Parquet dataset is `read_parquet(…)`).
        /// `types` gives each result column's contract type when the
        /// reader's own types do not say it (SQLite keeps temporal values
        /// as text, booleans as 0/1).
        func rows(_ sql: String, types: [String] = [], reader: String? = nil) throws -> [[String?]] {
            let python = try TestVenv.requirePython()
            var env: [String: String] = ["PGTZ": "UTC"]
            let script: String
            switch kind {
            case .sqlite:
                env["DB"] = dir.appendingPathComponent(".casparian/output.sqlite").path
                script = "import sqlite3; rows = sqlite3.connect(os.environ['DB']).execute(SQL).fetchall()"
            case .parquet:
                env["LAKE"] = dir.appendingPathComponent("lake").path
                script =
                    reader == "pyarrow"
                    ? "import pyarrow.parquet as pq; t = pq.read_table(os.path.join(os.environ['LAKE'], SQL)); rows = [tuple(r.values()) for r in t.to_pylist()]"
                    : "import duckdb; rows = duckdb.sql(SQL).fetchall()"
            case .postgresql:
                env["PGURL"] = postgresURL!
                // psql's own text output: fields split by 0x1F, records by 0x1E, NULL shown as 0x1D.
                script = """
                    import subprocess
                    out = subprocess.run(['psql', os.environ['PGURL'], '-X', '-q', '-At', '-F', '\\x1f', '-R', '\\x1e', '-P', 'null=\\x1d',
                        '-v', 'ON_ERROR_STOP=1', '-c', 'SET search_path = out', '-c', SQL], capture_output=True, text=True)
                    if out.returncode: raise SystemExit(out.stderr)
                    rows = [tuple(None if f == '\\x1d' else f for f in l.split('\\x1f')) for l in out.stdout.rstrip('\\n').split('\\x1e') if l]
                    """
            }
            let table =
                kind == .parquet && reader != "pyarrow" ? "read_parquet('\(dir.path)/lake/$1/*.parquet', union_by_name = true)" : "$1"
            let query = sql.replacingOccurrences(of: #"\{(\w+)\}"#, with: table, options: .regularExpression)
            env["SQL"] = query
            env["TYPES"] = types.joined(separator: ",")
            let program = """
                import os, json, datetime
                SQL = os.environ['SQL']
                TYPES = [t for t in os.environ['TYPES'].split(',') if t]
                \(script)
                def canonical(v, t):
                    if v is None: return None
                    if isinstance(v, bool) or t == 'boolean': return 'true' if v in (True, 1, 't') else 'false'
                    if t == 'date': return (datetime.date.fromisoformat(v) if isinstance(v, str) else v).isoformat()
                    if t == 'time': return (datetime.time.fromisoformat(v) if isinstance(v, str) else v).isoformat()
                    if t in ('timestamp', 'timestamp_tz'):
                        d = datetime.datetime.fromisoformat(v) if isinstance(v, str) else v
                        if d.tzinfo is not None: d = d.astimezone(datetime.timezone.utc).replace(tzinfo=None)
                        return d.isoformat()
                    if isinstance(v, float) or t == 'float64': return repr(float(v))
                    return str(v)
                print(json.dumps([[canonical(v, TYPES[i] if i < len(TYPES) else '') for i, v in enumerate(r)] for r in rows]))
                """
            let r = try ProcessLaunch(
                python, ["-c", program], in: dir, environment: ProcessInfo.processInfo.environment.merging(env) { $1 }
            )
            .run()
            guard r.status == 0 else { throw ReaderFailed(message: "\(kind) reader: \(r.stderr)") }
            let decoded = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[Any]] ?? []
            return decoded.map { $0.map { $0 as? String } }
        }

        func run(_ args: [String]) throws -> CLIRunner.Result {
            try CLIRunner.run(args + arguments, in: dir)
        }
    }

    struct ReaderFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func json(_ r: CLIRunner.Result) throws -> [String: Any] {
        try #require(try r.json() as? [String: Any], "\(r.stdout)\n\(r.stderr)")
    }

    // MARK: - Every type and null

    /// A plugin that emits one row per type case, with nulls, and a
    /// contract typing every column (all nullable).
    static func typesWorkspace(_ name: String) throws -> URL {
        let dir = try TemporaryFolder.create(name)
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Data("one\n".utf8).write(to: data.appendingPathComponent("a.txt"))
        let plugin = dir.appendingPathComponent("plugins/types")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        try Data(
            """
            import datetime as dt
            pattern = "*.txt"
            def parse(path):
                yield {"i": 9223372036854775807, "f": 2.5, "b": True, "d": dt.date(2024, 2, 29), "t": dt.time(13, 45, 30, 123456),
                       "ts": dt.datetime(2024, 3, 10, 2, 30, 0, 500000),
                       "tz": dt.datetime(2024, 3, 10, 2, 30, tzinfo=dt.timezone(dt.timedelta(hours=5))),
                       "s": 'héllo, "world"\\ttab\\nline \\\\ end'}
                yield {"i": -9223372036854775807, "f": -1.25, "b": False, "d": dt.date(1969, 12, 31), "t": dt.time(0, 0),
                       "ts": dt.datetime(1900, 1, 1), "tz": dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc), "s": ""}
                yield {"i": None, "f": None, "b": None, "d": None, "t": None, "ts": None, "tz": None, "s": None}
            """.utf8
        ).write(to: plugin.appendingPathComponent("parser.py"))
        let columns = [
            ("i", "int64"), ("f", "float64"), ("b", "boolean"), ("d", "date"), ("t", "time"), ("ts", "timestamp"),
            ("tz", "timestamp_tz"), ("s", "string"),
        ]
        .map { #"{"name": "\#($0.0)", "type": "\#($0.1)", "nullable": true}"# }.joined(separator: ", ")
        try Data(
            """
            {"id": "ctr_types", "plugin": "types", "version": 1, "approved_at": "2026-01-01T00:00:00.000Z", "approved_by": "test",
             "schemas": [{"output": "types", "mode": "strict", "columns": [\(columns)]}]}
            """.utf8
        ).write(to: plugin.appendingPathComponent("contract.json"))
        #expect(try CLIRunner.run(["scope", "create", "txt", "--root", "data"], in: dir).status == 0)
        return dir
    }

    static let typeNames = ["int64", "float64", "boolean", "date", "time", "timestamp", "timestamp_tz", "string"]
    static let expectedTypes: [[String?]] = [
        [
            "9223372036854775807", "2.5", "true", "2024-02-29", "13:45:30.123456", "2024-03-10T02:30:00.500000",
            "2024-03-09T21:30:00", "héllo, \"world\"\ttab\nline \\ end",
        ],
        ["-9223372036854775807", "-1.25", "false", "1969-12-31", "00:00:00", "1900-01-01T00:00:00", "1970-01-01T00:00:00", ""],
        [nil, nil, nil, nil, nil, nil, nil, nil],
    ]

    @Test(arguments: Kind.allCases)
    func everyTypeAndNullRoundTrips(_ kind: Kind) throws {
        let dir = try Self.typesWorkspace("types-\(kind.rawValue)")
        let target = try Target(kind, dir: dir)
        let run = try target.run(["run", "types", "--scope", "txt", "--json"])
        try #require(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let report = try Self.json(run)
        #expect(report["rows_written"] as? Int == 3)
        #expect((report["target"] as? String)?.hasPrefix(kind == .sqlite ? "sqlite" : kind.rawValue) == true, "\(report)")
        let sql = "SELECT i, f, b, d, t, ts, tz, s FROM {types} ORDER BY _cf_row"
        #expect(try target.rows(sql, types: Self.typeNames) == Self.expectedTypes)
        if kind == .parquet {
            let viaArrow = try target.rows("types", types: Self.typeNames + ["string", "int64", "string", "string"], reader: "pyarrow")
            #expect(viaArrow.map { Array($0.prefix(8)) } == Self.expectedTypes, "pyarrow reads what DuckDB reads")
            #expect(viaArrow.map { $0[9] } == ["1", "2", "3"], "_cf_row")
        }
        let lineage = try target.rows("SELECT DISTINCT _cf_file, _cf_parser_version, _cf_run FROM {types}")
        #expect(lineage.count == 1 && lineage.first?[0]?.hasSuffix("/data/a.txt") == true, "\(lineage)")
        #expect(lineage.first?[2] == report["run_id"] as? String)
    }

    // MARK: - kill -9, then re-run

    /// `FlowTests.slowCorpus`: 24 files of 500 rows, a plugin that sleeps.
    @Test(arguments: Kind.allCases)
    func killedRunThenReRunLeavesEachFileOnce(_ kind: Kind) throws {
        let dir = try FlowTests.slowCorpus("kill-\(kind.rawValue)")
        let target = try Target(kind, dir: dir)
        let written = { () -> Int in
            let n = try? target.rows("SELECT count(DISTINCT _cf_file) FROM {slow}")
            return Int(n?.first?.first.flatMap { $0 } ?? "0") ?? 0
        }
        let process = try CLIRunner.launch(["run", "slow", "--scope", "parts", "--jobs", "2", "--quiet"] + target.arguments, in: dir)
            .start()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, process.isRunning, written() < 4 { usleep(100_000) }
        process.send(SIGKILL)
        _ = try process.wait()
        let partial = written()
        #expect(partial >= 4 && partial < 24, "killed part-way (\(partial) files written)")
        // What was committed is whole: 500 rows per file written, no file half there.
        let perFile = try target.rows("SELECT _cf_file, count(*) FROM {slow} GROUP BY _cf_file")
        #expect(perFile.allSatisfy { $0[1] == "500" }, "\(perFile)")

        let again = try target.run(["run", "slow", "--scope", "parts", "--json"])
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        let report = try Self.json(again)
        #expect((report["files_skipped"] as? Int ?? 0) >= partial, "files written before the kill are kept: \(report)")
        let totals = try target.rows("SELECT count(*), count(DISTINCT id), count(DISTINCT _cf_file), sum(id) FROM {slow}")
        let expectedSum = (0..<24).reduce(0) { s, i in s + (0..<500).reduce(0) { $0 + i * 1000 + $1 } }
        #expect(totals == [["12000", "12000", "24", String(expectedSum)]])
        if kind == .parquet {
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("lake/slow").path)
            #expect(!names.contains { $0.hasSuffix(".tmp") }, "no partial files: \(names)")
            #expect(names.filter { $0.hasSuffix(".parquet") }.count == 24)
            #expect(names.contains("_manifest.json"))
        }
    }

    // MARK: - Re-runs replace only what changed

    @Test(arguments: Kind.allCases)
    func reRunsReplaceOnlyTheChangedFilesRows(_ kind: Kind) throws {
        let dir = try TemporaryFolder.create("rerun-\(kind.rawValue)")
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for i in 0..<3 {
            try Data("id,name\n\((0..<10).map { "\(i * 100 + $0),n\($0)" }.joined(separator: "\n"))\n".utf8)
                .write(to: data.appendingPathComponent("f\(i).csv"))
        }
        let plugin = dir.appendingPathComponent("plugins/p")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        let parser = { (suffix: String) in
            """
            import csv
            pattern = "*.csv"
            def parse(path):
                with open(path, newline="") as f:
                    for rec in csv.DictReader(f):
                        yield {"id": int(rec["id"]), "name": rec["name"] + "\(suffix)"}
            """
        }
        try Data(parser("").utf8).write(to: plugin.appendingPathComponent("parser.py"))
        try Data(
            """
            {"id": "ctr_p", "plugin": "p", "version": 1, "approved_at": "2026-01-01T00:00:00.000Z", "approved_by": "test",
             "schemas": [{"output": "p", "mode": "strict", "columns": [
                {"name": "id", "type": "int64", "nullable": false}, {"name": "name", "type": "string", "nullable": false}]}]}
            """.utf8
        ).write(to: plugin.appendingPathComponent("contract.json"))
        #expect(try CLIRunner.run(["scope", "create", "all", "--root", "data"], in: dir).status == 0)
        let target = try Target(kind, dir: dir)
        let first = try Self.json(try target.run(["run", "p", "--scope", "all", "--json"]))
        let firstRun = try #require(first["run_id"] as? String)

        // One source file changes: only its rows are rewritten.
        try Data("id,name\n1000,changed\n1001,changed\n".utf8).write(to: data.appendingPathComponent("f1.csv"))
        let second = try Self.json(try target.run(["run", "p", "--scope", "all", "--json"]))
        #expect(second["files_skipped"] as? Int == 2 && second["files_ok"] as? Int == 1, "\(second)")
        let byRun = try target.rows("SELECT _cf_run, count(*) FROM {p} GROUP BY _cf_run ORDER BY count(*) DESC")
        #expect(byRun == [[firstRun, "20"], [second["run_id"] as? String, "2"]], "\(byRun)")
        #expect(try target.rows("SELECT count(*), count(DISTINCT id) FROM {p}") == [["22", "22"]])

        // A parser fix: every file is rewritten by the new version, none duplicated.
        try Data(parser("!").utf8).write(to: plugin.appendingPathComponent("parser.py"))
        let third = try Self.json(try target.run(["run", "p", "--scope", "all", "--json"]))
        #expect(third["files_ok"] as? Int == 3, "\(third)")
        #expect(try target.rows("SELECT count(*), count(DISTINCT id), count(DISTINCT _cf_parser_version) FROM {p}") == [["22", "22", "1"]])
        #expect(try target.rows("SELECT count(*) FROM {p} WHERE name LIKE '%!'") == [["22"]])

        // An approved amendment that adds a column adds it to the table.
        try Data(
            """
            {"id": "ctr_p", "plugin": "p", "version": 2, "approved_at": "2026-01-02T00:00:00.000Z", "approved_by": "test",
             "schemas": [{"output": "p", "mode": "strict", "columns": [
                {"name": "id", "type": "int64", "nullable": false}, {"name": "name", "type": "string", "nullable": false},
                {"name": "size", "type": "int64", "nullable": true}]}]}
            """.utf8
        ).write(to: plugin.appendingPathComponent("contract.json"))
        try Data(
            parser("!").replacingOccurrences(of: #""name": rec["name"] + "!"}"#, with: #""name": rec["name"], "size": len(rec["name"])}"#)
                .utf8
        )
        .write(to: plugin.appendingPathComponent("parser.py"))
        let fourth = try target.run(["run", "p", "--scope", "all", "--json"])
        #expect(fourth.status == 0, "\(fourth.stdout) \(fourth.stderr)")
        #expect(try target.rows("SELECT count(*), count(size), sum(size) FROM {p}") == [["22", "22", "54"]])
    }

    // MARK: - Bad targets fail before any file is parsed

    /// A workspace whose plugin leaves a mark when it parses anything.
    static func markingWorkspace(_ name: String) throws -> URL {
        let dir = try TemporaryFolder.create(name)
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Data("x\n".utf8).write(to: data.appendingPathComponent("a.txt"))
        let plugin = dir.appendingPathComponent("plugins/m")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        try Data(
            """
            import os
            pattern = "*.txt"
            def parse(path):
                open(os.path.join(os.path.dirname(os.path.dirname(path)), "parsed"), "w").close()
                yield {"x": 1}
            """.utf8
        ).write(to: plugin.appendingPathComponent("parser.py"))
        try Data(
            """
            {"id": "ctr_m", "plugin": "m", "version": 1, "approved_at": "2026-01-01T00:00:00.000Z", "approved_by": "test",
             "schemas": [{"output": "m", "mode": "strict", "columns": [{"name": "x", "type": "int64", "nullable": false}]}]}
            """.utf8
        ).write(to: plugin.appendingPathComponent("contract.json"))
        #expect(try CLIRunner.run(["scope", "create", "all", "--root", "data"], in: dir).status == 0)
        return dir
    }

    @Test func badTargetsFailBeforeAnyFileIsParsed() throws {
        let dir = try Self.markingWorkspace("bad-targets")
        let server = try TestPostgres.url()
        let socketParameters = server.split(separator: "?", maxSplits: 1).last.map(String.init) ?? ""
        let cases: [(to: String, says: String)] = [
            ("ftp://example.com/x", "unknown output target"),
            ("parquet:", "parquet: needs a folder"),
            // A folder below a regular file cannot be created, whoever runs the test.
            ("parquet:data/a.txt/lake", "cannot create the Parquet folder"),
            ("postgresql://postgres@/postgres?host=\(dir.path)/nowhere&port=5999", "could not connect"),
            ("postgresql://postgres@127.0.0.1:1/postgres", "could not connect"),
            ("postgresql://nosuchrole:s3cret-pass@/postgres?\(socketParameters)", "login"),
            ("postgresql://postgres@/no_such_db?\(socketParameters)", "does not exist"),
        ]
        for c in cases {
            let r = try CLIRunner.run(["run", "m", "--scope", "all", "--to", c.to], in: dir)
            #expect(r.status == 2, "\(c.to): a usage or environment error")
            #expect(r.stderr.lowercased().contains(c.says.lowercased()), "\(c.to): \(r.stderr)")
            #expect(r.stderr.contains("hint: "), "\(c.to) gives a hint: \(r.stderr)")
            #expect(!r.stderr.contains("s3cret-pass") && !r.stdout.contains("s3cret-pass"), "a password is never printed")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("parsed").path), "\(c.to): nothing was parsed")
        }
        for name in ["catalog.sqlite", "catalog.sqlite-wal"] {
            let stored = (try? String(contentsOf: dir.appendingPathComponent(".casparian/\(name)"), encoding: .isoLatin1)) ?? ""
            #expect(!stored.contains("s3cret-pass"), "a password is never stored (\(name))")
        }
        let wrongSchema = try CLIRunner.run(["run", "m", "--scope", "all", "--to", "parquet:lake", "--schema", "x"], in: dir)
        #expect(wrongSchema.status == 2 && wrongSchema.stderr.contains("--schema applies to PostgreSQL"), "\(wrongSchema.stderr)")
    }

    /// `output list` shows each table with its target; `query --target`
    /// reads PostgreSQL read-only.
    @Test func outputListAndQueryKnowTheTargets() throws {
        let dir = try Self.markingWorkspace("list-targets")
        let pg = try TestPostgres.freshDatabase(name: "list_targets")
        for to in ["sqlite", "parquet:lake", pg] {
            let r = try CLIRunner.run(["run", "m", "--scope", "all", "--to", to, "--force"], in: dir)
            #expect(r.status == 0, "\(to): \(r.stderr)")
        }
        let listing = try #require(try CLIRunner.run(["output", "list", "--json"], in: dir).json() as? [[String: Any]])
        #expect(listing.compactMap { $0["kind"] as? String }.sorted() == ["parquet", "postgresql", "sqlite"], "\(listing)")
        #expect(listing.allSatisfy { ($0["tables"] as? [[String: Any]])?.first?["rows"] as? Int == 1 }, "\(listing)")
        let human = try CLIRunner.run(["output", "list"], in: dir)
        #expect(human.stdout.contains("parquet:\(dir.path)/lake") && human.stdout.contains("postgresql://"), "\(human.stdout)")

        let q = try CLIRunner.run(["query", "SELECT x, _cf_row FROM m", "--target", pg, "--json"], in: dir)
        #expect(try (q.json() as? [String: Any])?["rows"] as? [[Int]] == [[1, 1]], "\(q.stdout) \(q.stderr)")
        let write = try CLIRunner.run(["query", "DELETE FROM m", "--target", pg], in: dir)
        #expect(write.status != 0 && write.stderr.contains("read-only"), "\(write.stderr)")
        let two = try CLIRunner.run(["query", "SELECT 1; DROP TABLE m", "--target", pg], in: dir)
        #expect(two.status != 0, "one statement only: \(two.stderr)")
        let still = try CLIRunner.run(["query", "SELECT count(*) FROM m", "--target", pg, "--csv"], in: dir)
        #expect(still.stdout.contains("1"), "\(still.stdout) \(still.stderr)")
        let capped = try CLIRunner.run(["query", "SELECT generate_series(1, 5) AS n", "--target", pg, "--limit", "2", "--json"], in: dir)
        let page = try #require(try capped.json() as? [String: Any], "\(capped.stderr)")
        #expect(page["rows"] as? [[Int]] == [[1], [2]] && page["truncated"] as? Bool == true, "\(page)")
        let slow = try CLIRunner.run(["query", "SELECT pg_sleep(5)", "--target", pg, "--timeout", "0.5"], in: dir)
        #expect(slow.status != 0 && slow.stderr.contains("time limit"), "\(slow.stderr)")
        let parquet = try CLIRunner.run(["query", "SELECT 1", "--target", "parquet:lake"], in: dir)
        #expect(parquet.status != 0 && parquet.stderr.contains("read_parquet"), "\(parquet.stderr)")

        let dropped = try CLIRunner.run(["output", "drop", "m", "--target", "parquet:lake"], in: dir)
        #expect(dropped.status == 0, "\(dropped.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("lake/m").path))
        let droppedPG = try CLIRunner.run(["output", "drop", "m", "--target", pg], in: dir)
        #expect(droppedPG.status == 0, "\(droppedPG.stderr)")
        let gone = try CLIRunner.run(["query", "SELECT count(*) FROM m", "--target", pg], in: dir)
        #expect(gone.status == 2 && gone.stderr.contains("does not exist"), "\(gone.stderr)")
        let rebuilt = try CLIRunner.run(["run", "m", "--scope", "all", "--to", pg, "--json"], in: dir)
        #expect(try (rebuilt.json() as? [String: Any])?["files_ok"] as? Int == 1, "a dropped table is rebuilt: \(rebuilt.stdout)")
    }
}
