import CasparianTestSupport
import Foundation
import Testing

/// A one-shot command kills its workers' process groups as it exits: nothing
/// a plugin started outlives the command.
@Suite("CLI: workers end with the command")
struct WorkerCleanupTests {
    @Test func aChildProcessThePluginStartedDiesWithTheCommand() throws {
        let dir = try TemporaryFolder.create("cleanup")
        let plugin = dir.appendingPathComponent("spawner")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(
            """
            import subprocess
            def parse(path):
                child = subprocess.Popen(["sleep", "60"])
                yield {"child": child.pid}
            """.utf8
        ).write(to: plugin.appendingPathComponent("parser.py"))
        let input = dir.appendingPathComponent("in.txt")
        try Data("x\n".utf8).write(to: input)

        let r = try CLIRunner.run(["preview", input.path, "--plugin", plugin.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(((try r.json() as? [String: Any])?["outputs"] as? [[String: Any]])?.first?["rows"] as? [[Any]])
        let pid = try #require((rows.first?.first as? String).flatMap { Int32($0) }, "preview shows cells as text")
        // SIGKILL is delivered asynchronously: allow it a moment. A killed
        // child may linger as a zombie until something reaps it; it no longer runs.
        var running = true
        for _ in 0..<100 where running {
            running = Self.isRunning(pid)
            if running { usleep(20_000) }
        }
        #expect(!running, "the plugin's child \(pid) outlived the command")
        if running { kill(pid, SIGKILL) }
    }

    /// A dead command pipe is the worker's failure, not the host's: the
    /// host ignores SIGPIPE, fails that file and replaces the worker.
    @Test func aPluginThatClosesTheCommandPipeFailsAFileNotTheCommand() throws {
        let dir = try TemporaryFolder.create("sigpipe")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plugin = dir.appendingPathComponent("plugins/closer")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        try Data(
            """
            import os
            pattern = "**/*.csv"
            def parse(path):
                os.close(3)
                yield {"id": 1}
            """.utf8
        ).write(to: plugin.appendingPathComponent("parser.py"))
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for i in 0..<3 { try Data("id\n\(i)\n".utf8).write(to: data.appendingPathComponent("f\(i).csv")) }

        let r = try CLIRunner.run(["backtest", "plugins", "--corpus", "data", "--no-fail-fast", "--jobs", "1", "--json"], in: dir)
        #expect(r.status == 1, "the host died (by SIGPIPE: status 141): \(r.status) \(r.stderr)")
        let report = try #require(((try? r.json() as? [String: Any])?["plugins"] as? [[String: Any]])?.first, "\(r.stdout) \(r.stderr)")
        let results = try #require(report["results"] as? [[String: Any]])
        #expect(results.count == 3)
        #expect(results.contains { $0["status"] as? String == "failed" })
    }

    /// True while `pid` exists and is not a zombie.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }
}
