import CTestSpawn
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A running process started from a `ProcessLaunch`, in a process group of
/// its own (so a timeout can kill everything it started in that group), with
/// the default signal dispositions and none of the test process's other
/// descriptors. Its stdout and stderr are read as they come.
public final class LaunchedProcess: @unchecked Sendable {
    public let launch: ProcessLaunch
    public let pid: pid_t
    private let deadline: Date
    private let stdout: PipeReader
    private let stderr: PipeReader
    private let condition = NSCondition()
    /// The wait status, once the process has exited and been reaped.
    private var waitStatus: Int32?
    /// Set before reaping: from then on `pid` may name another process.
    private var exited = false

    init(_ launch: ProcessLaunch) throws {
        self.launch = launch
        deadline = Date().addingTimeInterval(launch.timeout)
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard ctestspawn_pipe_cloexec(&outPipe) == 0 else { throw Self.failure(launch, "pipe2", errno) }
        guard ctestspawn_pipe_cloexec(&errPipe) == 0 else {
            for fd in outPipe { close(fd) }
            throw Self.failure(launch, "pipe2", errno)
        }
        let input: Int32
        do {
            input = try Self.openStdin(launch.stdin)
        } catch {
            for fd in outPipe + errPipe { close(fd) }
            throw error
        }
        defer {
            close(input)
            close(outPipe[1])
            close(errPipe[1])
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        ctestspawn_actions_closefrom(&actions, 3)
        if let directory = launch.directory { ctestspawn_actions_chdir(&actions, directory.path) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noMask = sigset_t()
        var allDefault = sigset_t()
        sigemptyset(&noMask)
        sigfillset(&allDefault)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        posix_spawnattr_setsigdefault(&attributes, &allDefault)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = launch.command.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let envp = launch.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, launch.command[0], &actions, &attributes, argv, envp)
        guard rc == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw Self.failure(launch, "posix_spawn", rc)
        }
        self.pid = pid
        stdout = PipeReader(fd: outPipe[0])
        stderr = PipeReader(fd: errPipe[0])
        let waiter = Thread { [self] in awaitExit() }
        waiter.name = "LaunchedProcess \(pid)"
        waiter.start()
    }

    private static func failure(_ launch: ProcessLaunch, _ call: String, _ code: Int32) -> ProcessLaunchFailed {
        ProcessLaunchFailed(commandLine: launch.commandLine, reason: "\(call): \(String(cString: strerror(code)))")
    }

    /// /dev/null, or an unlinked temporary file holding `data` (a file, not
    /// a pipe: nothing to feed on a thread, no SIGPIPE when the child stops reading).
    private static func openStdin(_ data: Data?) throws -> Int32 {
        guard let data else { return open("/dev/null", O_RDONLY | O_CLOEXEC) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("casparian-stdin-\(UUID().uuidString)")
        try data.write(to: url)
        defer { unlink(url.path) }
        return open(url.path, O_RDONLY | O_CLOEXEC)
    }

    /// Waits without reaping, marks the process exited, then reaps it: a
    /// signal sent under the lock never reaches a recycled pid.
    private func awaitExit() {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        condition.withLock { exited = true }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        condition.withLock {
            waitStatus = status
            condition.broadcast()
        }
    }

    public var isRunning: Bool { condition.withLock { !exited } }

    /// Sends `signal` to the process (and with `group`, to its process
    /// group) unless it has already exited.
    public func send(_ signal: Int32, group: Bool = false) {
        condition.withLock {
            if !exited { _ = kill(group ? -pid : pid, signal) }
        }
    }

    /// The next line the process printed on stdout, nil once stdout is
    /// closed. Past the launch's timeout the process group is killed and
    /// this throws `ProcessTimedOut`.
    public func readLine() throws -> String? {
        switch stdout.nextLine(until: deadline) {
        case .line(let line): return line
        case .end: return nil
        case .timedOut: throw killed(situation: "printed no further line")
        }
    }

    /// Waits for the process to exit and its stdout and stderr to close.
    /// Past the launch's timeout the process group is killed and this
    /// throws `ProcessTimedOut`, with all the process printed until then.
    public func wait() throws -> ProcessResult {
        guard waitForExit(until: deadline) else { throw killed(situation: "did not exit") }
        guard stdout.waitForEOF(until: deadline), stderr.waitForEOF(until: deadline) else {
            throw killed(situation: "exited, but a process it started kept its stdout or stderr open, not closed")
        }
        return result()
    }

    /// Kills the process group if the process still runs, and reaps it:
    /// for a `defer` in a test that may end early.
    public func stop() {
        send(SIGKILL, group: true)
        _ = waitForExit(until: Date().addingTimeInterval(10))
        stdout.abandon()
        stderr.abandon()
    }

    private func waitForExit(until date: Date) -> Bool {
        condition.withLock {
            while waitStatus == nil { if !condition.wait(until: date) { break } }
            return waitStatus != nil
        }
    }

    /// Kills the process group, gives the pipes a moment to drain, and
    /// returns the error that shows what the process printed.
    private func killed(situation: String) -> ProcessTimedOut {
        // The group outlives its leader while members remain; the leader's
        // pid is not reused until the group is empty.
        _ = kill(-pid, SIGKILL)
        _ = waitForExit(until: Date().addingTimeInterval(10))
        let grace = Date().addingTimeInterval(2)
        _ = stdout.waitForEOF(until: grace)
        _ = stderr.waitForEOF(until: grace)
        stdout.abandon()
        stderr.abandon()
        return ProcessTimedOut(
            commandLine: launch.commandLine, pid: pid, timeout: launch.timeout, situation: situation,
            stdout: String(decoding: stdout.captured, as: UTF8.self),
            stderr: String(decoding: stderr.captured, as: UTF8.self))
    }

    private func result() -> ProcessResult {
        let status = condition.withLock { waitStatus ?? 0 }
        // <sys/wait.h>'s macros, which Swift cannot import.
        let signal = status & 0x7F
        return ProcessResult(
            status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal, signal: signal == 0 ? nil : signal,
            stdoutData: stdout.captured, stderrData: stderr.captured)
    }
}
