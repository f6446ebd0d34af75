import Foundation
import Testing

/// A one-shot command kills its workers' process groups as it exits: nothing
/// a plugin started outlives the command.
@Suite("CLI: workers end with the command")
struct WorkerCleanupTests {
    @Test func aChildProcessThePluginStartedDiesWithTheCommand() throws {
        let dir = try CLIRunner.tempDirectory("cleanup")
        let plugin = dir.appendingPathComponent("spawner")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("""
            import subprocess
            def parse(path):
                child = subprocess.Popen(["sleep", "60"])
                yield {"child": child.pid}
            """.utf8).write(to: plugin.appendingPathComponent("parser.py"))
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

    /// True while `pid` exists and is not a zombie.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }
}
