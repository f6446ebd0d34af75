import CasparianTestSupport
import Foundation
import Testing

/// What the built-in reader discovers can be run: approving it writes the
/// reference CSV/TSV reader as the plugin, routed per family, and backtest
/// and run write one table per family.
@Suite("CLI: the built-in reader's discovery runs, one table per family")
struct BuiltinReaderRunTests {
    @Test func discoverApproveBacktestRunGiveOneTablePerFamily() throws {
        let ws = try TemporaryFolder.create("builtin-run")
        let data = ws.appendingPathComponent("data")
        try BuiltinReaderRunTests.writeExports(to: data)
        let w = ["--workspace", ws.path]
        #expect(try CLIRunner.run(["scope", "create", "exports", "--root", data.path] + w).status == 0)
        let discovered = try CLIRunner.run(["discover", data.path, "--json"] + w)
        try #require(discovered.status == 0, "\(discovered.stderr)")
        let report = try #require(try discovered.json() as? [String: Any])
        let outputs = try #require(report["outputs"] as? [[String: Any]])
        #expect(Set(outputs.compactMap { $0["name"] as? String }) == ["permits", "weather"])
        let id = try #require(report["discovery_id"] as? String)

        let skipped = try #require(report["skipped"] as? [[String: Any]])
        #expect(Set(skipped.compactMap { $0["file"] as? String }) == ["page.csv", "raw/readings.json"], "\(skipped)")

        let approved = try CLIRunner.run(["approve", id, "--plugin", "exports", "--by", "ana"] + w)
        try #require(approved.status == 0, "\(approved.stderr)")
        #expect(approved.stdout.contains("parser.py") && approved.stdout.contains("family"))
        #expect(FileManager.default.fileExists(atPath: ws.appendingPathComponent("plugins/exports/parser.py").path))
        // What discovery skipped is excluded, named relative to the folder discovered (portable in git).
        #expect(
            approved.stdout.contains("2 files discovery skipped are excluded: page.csv (html/xml), raw/readings.json (json)"),
            "\(approved.stdout)")
        let contract = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: ws.appendingPathComponent("plugins/exports/contract.json")))
                as? [String: Any])
        #expect(contract["excluded_files"] as? [String] == ["./page.csv", "./raw/readings.json"], "\(contract)")

        // Neither parsed nor failed: the backtest tests the three exports only.
        let backtest = try CLIRunner.run(["backtest", "exports", "--scope", "exports", "--json"] + w)
        #expect(backtest.status == 0, "\(backtest.stdout) \(backtest.stderr)")
        let tested = try #require((try backtest.json() as? [String: Any])?["report"] as? [String: Any])
        #expect(tested["files_tested"] as? Int == 3 && tested["files_failed"] as? Int == 0, "\(tested)")
        let run = try CLIRunner.run(["run", "exports", "--scope", "exports", "--json"] + w)
        try #require(run.status == 0, "\(run.stdout) \(run.stderr)")
        let written = try #require(try run.json() as? [String: Any])
        #expect(Set(written["tables"] as? [String] ?? []) == ["permits", "weather"])
        #expect(written["rows_written"] as? Int == 5 && written["files_failed"] as? Int == 0)
        let temps = try CLIRunner.run(["query", "SELECT station, temp FROM weather ORDER BY station", "--csv"] + w)
        #expect(temps.stdout.contains("A,12.5") && temps.stdout.contains("B,13.0"), "\(temps.stdout)")
        let discount = try CLIRunner.run(["query", "SELECT COUNT(*) FROM permits WHERE Discount IS NULL", "--csv"] + w)
        #expect(discount.stdout.contains("2"), "\(discount.stdout)")
    }

    /// Two kinds of exports, an HTML error page saved as .csv and a JSON file in a subfolder.
    static func writeExports(to data: URL) throws {
        let files = [
            "permits_2024-01.csv": "Permit ID,Issued,Fee\nP1,2024-01-02,12.5\nP2,2024-01-03,7\n",
            "permits_2024-02.csv": "Permit ID,Issued,Fee,Discount\nP3,2024-02-01,12.5,1\n",
            "weather.csv": "station;temp;humidity\nA;12,5;80\nB;13,0;75\n",
            "page.csv": "<!DOCTYPE html>\n<html><body>Service unavailable</body></html>\n",
            "raw/readings.json": "{\"station\": \"A\", \"temp\": 12.5}\n",
        ]
        for (name, text) in files {
            let url = data.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    /// CI mode over several families: the plugin approval wrote claims the
    /// corpus's exports (its pattern), both families pass, the files
    /// discovery skipped are excluded, and a broken export fails saying why.
    @Test func ciBacktestOfTheApprovedReaderPassesEveryFamilyAndFailsABrokenFile() throws {
        let ws = try TemporaryFolder.create("builtin-ci")
        let data = ws.appendingPathComponent("data")
        try BuiltinReaderRunTests.writeExports(to: data)
        let w = ["--workspace", ws.path]
        let discovered = try CLIRunner.run(["discover", data.path, "--json"] + w)
        let id = try #require((try discovered.json() as? [String: Any])?["discovery_id"] as? String, "\(discovered.stderr)")
        let approved = try CLIRunner.run(["approve", id, "--plugin", "exports"] + w)
        try #require(approved.status == 0, "\(approved.stderr)")
        let plugins = ws.appendingPathComponent("plugins").path

        let clean = try CLIRunner.run(["backtest", plugins, "--corpus", data.path, "--no-fail-fast", "--json"])
        #expect(clean.status == 0, "\(clean.stdout) \(clean.stderr)")
        let report = try #require(((try clean.json() as? [String: Any])?["plugins"] as? [[String: Any]])?.first)
        #expect(report["files_tested"] as? Int == 3 && report["files_passed"] as? Int == 3, "\(report)")
        let paths = (report["results"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(paths.contains { $0.hasSuffix("weather.csv") } && paths.filter { $0.contains("permits_") }.count == 2, "\(paths)")

        try Data("Permit ID,Issued,Fee\nP4,2024-03-01,twelve\n".utf8).write(to: data.appendingPathComponent("permits_2024-03.csv"))
        let broken = try CLIRunner.run(["backtest", plugins, "--corpus", data.path, "--no-fail-fast", "--json"])
        #expect(broken.status == 1, "\(broken.stdout) \(broken.stderr)")
        let after = try #require(((try broken.json() as? [String: Any])?["plugins"] as? [[String: Any]])?.first)
        #expect(after["files_passed"] as? Int == 3 && after["files_failed"] as? Int == 1, "\(after)")
        let failed = (after["results"] as? [[String: Any]] ?? []).first { $0["status"] as? String == "failed" }
        #expect((failed?["path"] as? String)?.hasSuffix("permits_2024-03.csv") == true, "\(String(describing: failed))")
        #expect(
            failed?["category"] as? String == "type_mismatch" && (failed?["message"] as? String)?.contains("twelve") == true,
            "\(String(describing: failed))")
    }

    /// Python's sniffer guesses "no header" for a file of text columns
    /// (`73.20%` and `NR` read as text, like the names): the approved reader
    /// still takes the header discovery read, because it names the
    /// output's columns.
    @Test func aHeaderPythonsSnifferMissesIsStillTheHeader() throws {
        let ws = try TemporaryFolder.create("builtin-header")
        let data = ws.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Data("station;temp;share\nA;12,5;73.20%\nB;13,0;NR\n".utf8).write(to: data.appendingPathComponent("weather.csv"))
        try Data("Permit ID,Fee\nP1,12.5\n".utf8).write(to: data.appendingPathComponent("permits.csv"))
        let w = ["--workspace", ws.path]
        #expect(try CLIRunner.run(["scope", "create", "s", "--root", data.path] + w).status == 0)
        let discovered = try CLIRunner.run(["discover", data.path, "--json"] + w)
        let id = try #require((try discovered.json() as? [String: Any])?["discovery_id"] as? String, "\(discovered.stderr)")
        #expect(try CLIRunner.run(["approve", id, "--plugin", "p"] + w).status == 0)
        let backtest = try CLIRunner.run(["backtest", "p", "--scope", "s", "--json"] + w)
        let report = (try backtest.json() as? [String: Any])?["report"] as? [String: Any]
        #expect(report?["files_passed"] as? Int == 2, "\(backtest.stdout) \(backtest.stderr)")
        let run = try CLIRunner.run(["run", "p", "--scope", "s"] + w)
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        let shares = try CLIRunner.run(["query", "SELECT station, share FROM weather ORDER BY station", "--csv"] + w)
        #expect(shares.stdout == "station,share\nA,73.2\nB,\n", "\(shares.stdout)")
    }

    /// The embedded reader is the reference plugin users copy, verbatim.
    @Test func theEmbeddedReaderIsThePluginsCSVReference() throws {
        let ws = try TemporaryFolder.create("builtin-ref")
        let data = ws.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Data("a,b\n1,2\n".utf8).write(to: data.appendingPathComponent("x.csv"))
        let discovered = try CLIRunner.run(["discover", data.path, "--json", "--workspace", ws.path])
        let id = try #require((try discovered.json() as? [String: Any])?["discovery_id"] as? String)
        #expect(try CLIRunner.run(["approve", id, "--plugin", "x", "--workspace", ws.path]).status == 0)
        let written = try String(contentsOf: ws.appendingPathComponent("plugins/x/parser.py"), encoding: .utf8)
        let reference = try String(contentsOf: PackageRoot.url.appendingPathComponent("plugins/csv/parser.py"), encoding: .utf8)
        #expect(written.hasPrefix(reference), "Sources/Workspace/BuiltinCSVPlugin.swift must embed plugins/csv/parser.py verbatim")
    }

    /// `analyze --structure` reads CSV/TSV files whole and reports what discovery reports.
    @Test func analyzeReportsBrokenStructure() throws {
        let dir = try TemporaryFolder.create("analyze-structure")
        try Data("a,b\n1,\"unterminated\n2,3\n".utf8).write(to: dir.appendingPathComponent("broken.csv"))
        try Data("a,b,c\n1,2,3\n4,5\n6,7,8,9\n".utf8).write(to: dir.appendingPathComponent("ragged.csv"))
        try Data("x,y\n1,2\n".utf8).write(to: dir.appendingPathComponent("fine.csv"))
        let r = try CLIRunner.run(["analyze", dir.path, "--structure", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let problems = try #require((try r.json() as? [String: Any])?["structure"] as? [[String: Any]])
        #expect(Set(problems.compactMap { $0["file"] as? String }) == ["broken.csv", "ragged.csv"], "\(problems)")
        #expect(problems.contains { ($0["problem"] as? String)?.contains("never closed") == true })
        let quote = problems.first { $0["file"] as? String == "broken.csv" }
        #expect(quote?["line"] as? Int == 2 && quote?["byte_offset"] as? Int == 6 && quote?["rows"] as? Int == 2, "\(problems)")
        let ragged = problems.first { $0["file"] as? String == "ragged.csv" }
        #expect(ragged?["line"] as? Int == 3 && ragged?["byte_offset"] as? Int == 12 && ragged?["rows"] as? Int == 2, "\(problems)")
        let human = try CLIRunner.run(["discover", dir.path, "--workspace", dir.path])
        #expect(human.stdout.contains("opened on line 2 (byte 6") && human.stdout.contains("2 rows affected"), "\(human.stdout)")
        let plain = try CLIRunner.run(["analyze", dir.path, "--json"])
        #expect((try plain.json() as? [String: Any])?["structure"] == nil, "only with --structure: analyze reads first bytes")
    }
}
