import CasparianTestSupport
import Foundation
import Testing

/// What a fix changed: each backtest keeps cell hashes of what its parser
/// version made of each file; the next version's backtest (and `diff`)
/// says which rows were added, removed or changed, with old and new values.
@Suite("What a fix changed in the output")
struct OutputChangesTests {
    static func workspace() throws -> URL {
        let dir = try TemporaryFolder.create("changes")
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        // Every date fits both orders: both versions parse every file.
        for i in 0..<3 {
            try Data("id,day\n\(i * 10 + 1),03/04/2024\n\(i * 10 + 2),05/06/2024\n\(i * 10 + 3),12/12/2024\n".utf8)
                .write(to: data.appendingPathComponent("f\(i).csv"))
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("plugins/d"), withIntermediateDirectories: true)
        try parser(format: "%m/%d/%Y").write(to: dir.appendingPathComponent("plugins/d/parser.py"))
        #expect(try CLIRunner.run(["scope", "create", "s", "--root", "data"], in: dir).status == 0)
        return dir
    }

    static func parser(format: String, extra: String = "") -> Data {
        Data(
            """
            import csv, datetime
            pattern = "*.csv"
            def parse(path):
                with open(path, newline="") as f:
                    for rec in csv.DictReader(f):
                        yield {"id": int(rec["id"]), "day": datetime.datetime.strptime(rec["day"], "\(format)").date()}
            \(extra)
            """.utf8)
    }

    static func changes(_ dir: URL) throws -> [String: Any]? {
        let r = try CLIRunner.run(["backtest", "d", "--scope", "s", "--json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        return (try r.json() as? [String: Any])?["report"].flatMap { ($0 as? [String: Any])?["changes"] as? [String: Any] }
    }

    @Test func aFixThatSwapsDayAndMonthShowsEveryChangedDate() throws {
        let dir = try Self.workspace()
        #expect(try Self.changes(dir) == nil, "the first version has nothing to compare with")
        try Self.parser(format: "%d/%m/%Y").write(to: dir.appendingPathComponent("plugins/d/parser.py"))
        let changes = try #require(try Self.changes(dir))
        #expect(changes["files_compared"] as? Int == 3 && changes["files_changed"] as? Int == 3, "\(changes)")
        #expect(changes["rows_changed"] as? Int == 6 && changes["rows_added"] as? Int == 0 && changes["rows_removed"] as? Int == 0)
        #expect(changes["columns_changed"] as? [String: Int] == ["day": 6], "12/12 reads the same either way")
        let examples = try #require(changes["examples"] as? [[String: Any]])
        #expect(examples.count == 6)
        let first = try #require(examples.first { ($0["file"] as? String)?.hasSuffix("f0.csv") == true && $0["row"] as? Int == 1 })
        #expect(first["column"] as? String == "day" && first["old"] as? String == "2024-03-04" && first["new"] as? String == "2024-04-03")

        // The human report and `diff` say the same.
        let human = try CLIRunner.run(["backtest", "d", "--scope", "s"], in: dir)
        #expect(human.stdout.contains("no change in the output"), "a re-run of the same version: \(human.stdout)")
        let diff = try CLIRunner.run(["diff", "d", "--json"], in: dir)
        let diffed = try #require(try diff.json() as? [String: Any], "\(diff.stderr)")
        #expect(diffed["rows_changed"] as? Int == 6 && (diffed["examples"] as? [[String: Any]])?.count == 6, "\(diffed)")
        let text = try CLIRunner.run(["diff", "d"], in: dir)
        #expect(text.stdout.contains("6 rows changed") && text.stdout.contains("2024-03-04 → 2024-04-03"), "\(text.stdout)")
    }

    @Test func aFixThatOnlyAddsRowsShowsRowsAdded() throws {
        let dir = try Self.workspace()
        _ = try Self.changes(dir)
        let extra = """
            _parse = parse
            def parse(path):
                yield from _parse(path)
                yield {"id": 0, "day": None}
            """
        try Self.parser(format: "%m/%d/%Y", extra: extra).write(to: dir.appendingPathComponent("plugins/d/parser.py"))
        let changes = try #require(try Self.changes(dir))
        #expect(changes["rows_added"] as? Int == 3 && changes["rows_changed"] as? Int == 0, "\(changes)")
        #expect((changes["examples"] as? [Any])?.isEmpty == true)
    }

    @Test func anUnchangedReRunShowsNoChange() throws {
        let dir = try Self.workspace()
        _ = try Self.changes(dir)
        let again = try #require(try Self.changes(dir))
        #expect(again["rows_changed"] as? Int == 0 && again["rows_added"] as? Int == 0 && again["rows_removed"] as? Int == 0)
        #expect((again["columns_changed"] as? [String: Int])?.isEmpty == true, "\(again)")
    }

    /// A version that parsed no file (each raised) is not what the next
    /// one is compared with: the fix after it is compared with the last
    /// version that produced output.
    @Test func aVersionThatParsedNothingIsSkippedAsTheBaseline() throws {
        let dir = try Self.workspace()
        _ = try Self.changes(dir)
        try Self.parser(format: "%m/%d/%Y", extra: "def parse(path):\n    raise ValueError('broken')")
            .write(to: dir.appendingPathComponent("plugins/d/parser.py"))
        let broken = try CLIRunner.run(["backtest", "d", "--scope", "s", "--json"], in: dir)
        #expect(broken.status == 1, "\(broken.stderr)")
        try Self.parser(format: "%d/%m/%Y").write(to: dir.appendingPathComponent("plugins/d/parser.py"))
        let changes = try #require(try Self.changes(dir))
        #expect(changes["rows_changed"] as? Int == 6 && changes["files_compared"] as? Int == 3, "\(changes)")
    }

    @Test func diffSaysWhatIsMissing() throws {
        let dir = try Self.workspace()
        let none = try CLIRunner.run(["diff", "d"], in: dir)
        #expect(none.status == 2 && none.stderr.contains("no two backtested versions") && none.stderr.contains("hint:"), "\(none.stderr)")
        _ = try Self.changes(dir)
        let unknown = try CLIRunner.run(["diff", "d", "--from", "ffff"], in: dir)
        #expect(unknown.status == 2 && unknown.stderr.contains("no backtested version ffff"), "\(unknown.stderr)")
    }
}
