import CasparianTestSupport
import Foundation
import Testing

/// `casparian backtest` without a contract: output judged against proven types.
@Suite("CLI: backtest without a contract")
struct BacktestCommandTests {
    static let parser = """
        \"\"\"Typed rows: integers become int, the rest stays str.\"\"\"
        import csv
        pattern = "**/*.csv"

        def parse(path):
            with open(path, newline="") as f:
                for rec in csv.DictReader(f):
                    yield {k: int(v) if v.lstrip("-").isdigit() else v for k, v in rec.items()}
        """

    /// A folder with `plugins/typed/parser.py` (no contract.json) and `data/` holding `files`.
    static func project(_ files: [String: String]) throws -> URL {
        let dir = try TemporaryFolder.create("proven")
        let plugin = dir.appendingPathComponent("plugins/typed")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        try Data(parser.utf8).write(to: plugin.appendingPathComponent("parser.py"))
        for (name, text) in files {
            let url = dir.appendingPathComponent("data/\(name)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return dir
    }

    static let consistent: [String: String] = Dictionary(
        uniqueKeysWithValues: (0..<4).map { i in
            ("good/part-\(i).csv", "id,qty\n" + (1...4).map { "\(i * 10 + $0),\($0 * 2)" }.joined(separator: "\n") + "\n")
        })

    @Test func ciModeReportsTheInconsistentFileAndExits1() throws {
        var files = Self.consistent
        files["odd/part-9.csv"] = "id,qty\n1,2\n2,many\n"
        let dir = try Self.project(files)
        let human = try CLIRunner.run(["backtest", "plugins", "--corpus", "data", "--no-fail-fast"], in: dir)
        #expect(human.status == 1, "\(human.stdout) \(human.stderr)")
        #expect(human.stdout.contains("judged by proven types (accumulated)"))
        #expect(human.stdout.contains("odd/part-9.csv"))
        #expect(human.stdout.contains("type_mismatch"))

        let json = try CLIRunner.run(["backtest", "plugins", "--corpus", "data", "--no-fail-fast", "--json"], in: dir)
        #expect(json.status == 1)
        let report = try #require(((try json.json() as? [String: Any])?["plugins"] as? [[String: Any]])?.first)
        #expect(report["judged_by"] as? String == "proven types (accumulated)")
        #expect(report["files_failed"] as? Int == 1)
        let failed = try #require((report["results"] as? [[String: Any]])?.first { $0["status"] as? String == "failed" })
        #expect((failed["path"] as? String)?.hasSuffix("odd/part-9.csv") == true)
        let problem = try #require((failed["problems"] as? [[String: Any]])?.first)
        #expect(problem["category"] as? String == "type_mismatch")
        #expect(problem["column"] as? String == "qty")
        #expect(problem["row"] as? Int == 2)
        #expect(problem["got"] as? String == "many")

        // Without the odd file the same plugin passes.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data/odd"))
        let green = try CLIRunner.run(["backtest", "plugins", "--corpus", "data"], in: dir)
        #expect(green.status == 0, "\(green.stdout) \(green.stderr)")
    }

    @Test func workspaceModeJudgesAgainstTheLatestDiscovery() throws {
        var files = Self.consistent
        files["odd/no-qty.csv"] = "id\n1\n2\n"
        let dir = try Self.project(files)
        #expect(try CLIRunner.run(["scope", "create", "parts", "--root", "data"], in: dir).status == 0)
        let discovered = try CLIRunner.run(["discover", "data/good", "--plugin", "plugins/typed", "--json"], in: dir)
        let id = try #require((try discovered.json() as? [String: Any])?["discovery_id"] as? String, "\(discovered.stderr)")

        let r = try CLIRunner.run(["backtest", "typed", "--scope", "parts", "--json"], in: dir)
        #expect(r.status == 1, "\(r.stdout.prefix(1000)) \(r.stderr)")
        let report = try #require((try r.json() as? [String: Any])?["report"] as? [String: Any])
        #expect(report["judged_by"] as? String == "proven types (discovery \(id))")
        #expect(report["files_passed"] as? Int == 4)
        let failed = try #require((report["results"] as? [[String: Any]])?.first { $0["status"] as? String == "failed" })
        #expect((failed["path"] as? String)?.hasSuffix("odd/no-qty.csv") == true)
        #expect(failed["category"] as? String == "missing_column")
        let problem = try #require((failed["problems"] as? [[String: Any]])?.first)
        #expect(problem["column"] as? String == "qty")
    }
}
