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
        let files = [
            "permits_2024-01.csv": "Permit ID,Issued,Fee\nP1,2024-01-02,12.5\nP2,2024-01-03,7\n",
            "permits_2024-02.csv": "Permit ID,Issued,Fee,Discount\nP3,2024-02-01,12.5,1\n",
            "weather.csv": "station;temp;humidity\nA;12,5;80\nB;13,0;75\n",
        ]
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: data.appendingPathComponent(name)) }
        let w = ["--workspace", ws.path]
        #expect(try CLIRunner.run(["scope", "create", "exports", "--root", data.path] + w).status == 0)
        let discovered = try CLIRunner.run(["discover", data.path, "--json"] + w)
        try #require(discovered.status == 0, "\(discovered.stderr)")
        let report = try #require(try discovered.json() as? [String: Any])
        let outputs = try #require(report["outputs"] as? [[String: Any]])
        #expect(Set(outputs.compactMap { $0["name"] as? String }) == ["permits", "weather"])
        let id = try #require(report["discovery_id"] as? String)

        let approved = try CLIRunner.run(["approve", id, "--plugin", "exports", "--by", "ana"] + w)
        try #require(approved.status == 0, "\(approved.stderr)")
        #expect(approved.stdout.contains("parser.py") && approved.stdout.contains("family"))
        #expect(FileManager.default.fileExists(atPath: ws.appendingPathComponent("plugins/exports/parser.py").path))

        let backtest = try CLIRunner.run(["backtest", "exports", "--scope", "exports", "--json"] + w)
        #expect(backtest.status == 0, "\(backtest.stdout) \(backtest.stderr)")
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
        let plain = try CLIRunner.run(["analyze", dir.path, "--json"])
        #expect((try plain.json() as? [String: Any])?["structure"] == nil, "only with --structure: analyze reads first bytes")
    }
}
