import CasparianTestSupport
import Foundation
import Testing

/// The runner every end-to-end test goes through: a hung binary must fail
/// its test in time, with the command and what it printed, not hang the suite.
@Suite("Test support: running processes")
struct ProcessLaunchTests {
    @Test func capturesExitCodeOutputStdinDirectoryAndEnvironment() throws {
        let dir = try TemporaryFolder.create("launch")
        let r = try ProcessLaunch(
            "/bin/sh", ["-c", "cat; pwd; echo \"$GREETING\"; echo warn >&2; exit 3"], in: dir,
            environment: ["GREETING": "hello", "PATH": "/usr/bin:/bin"], stdin: Data("fed\n".utf8)
        ).run()
        #expect(r.status == 3 && r.signal == nil)
        #expect(r.stdout == "fed\n\(dir.path)\nhello\n")
        #expect(r.stderr == "warn\n")
    }

    @Test func aHungProcessIsKilledAtItsTimeoutWithWhatItPrinted() throws {
        let started = Date()
        let error = try #require(throws: ProcessTimedOut.self) {
            try ProcessLaunch("/bin/sh", ["-c", "echo started; echo working >&2; sleep 60"], timeout: 1).run()
        }
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(error.description.contains("/bin/sh -c 'echo started; echo working >&2; sleep 60'"))
        #expect(error.description.contains("did not exit within 1 s"))
        #expect(error.stdout == "started\n" && error.stderr == "working\n")
    }

    @Test func theTimeoutKillsTheWholeProcessGroup() throws {
        let process = try ProcessLaunch("/bin/sh", ["-c", "sleep 60 & echo $!; wait"], timeout: 2).start()
        let child = try #require(try process.readLine().flatMap { Int32($0) })
        #expect(throws: ProcessTimedOut.self) { try process.wait() }
        #expect(Self.gone(child), "the shell's child \(child) outlived the timeout")
    }

    @Test func aChildHoldingStdoutOpenAfterTheParentExitedIsATimeoutToo() throws {
        let error = try #require(throws: ProcessTimedOut.self) {
            try ProcessLaunch("/bin/sh", ["-c", "echo parent; sleep 60 &"], timeout: 2).run()
        }
        #expect(error.description.contains("kept its stdout or stderr open"))
        #expect(error.stdout == "parent\n")
    }

    @Test func linesArriveAsPrintedAndASignalEndsTheProcess() throws {
        let process = try ProcessLaunch("/bin/sh", ["-c", "echo one; echo two; sleep 60"]).start()
        defer { process.stop() }
        #expect(try process.readLine() == "one")
        #expect(try process.readLine() == "two")
        process.send(SIGKILL, group: true)  // the shell and its `sleep`, which holds stdout too
        let r = try process.wait()
        #expect(r.signal == SIGKILL && r.status == 128 + SIGKILL)
        #expect(!process.isRunning)
    }

    @Test func aMissingExecutableIsALaunchFailure() {
        #expect(throws: ProcessLaunchFailed.self) { try ProcessLaunch("/nonexistent/binary").run() }
    }

    /// True once `pid` no longer runs (gone, or a zombie awaiting its reaper).
    static func gone(_ pid: Int32) -> Bool {
        for _ in 0..<100 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return true }
            let state = stat[stat.index(close, offsetBy: 2)]
            if state == "Z" || state == "X" { return true }
            usleep(20_000)
        }
        return false
    }
}
