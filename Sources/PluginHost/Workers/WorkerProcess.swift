import CProcessControl
import CasparianCore
import Foundation
import WireProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// What a worker reports while it parses a file.
public enum WorkerEvent: Sendable {
    case batch(RowBatch)
    case log(PluginLogMessage)
    case progress(PluginProgressMessage)
}

/// How one file ended.
public enum FileOutcome: Sendable, Equatable {
    case parsed(rows: [String: Int])
    case failed(PluginFailure)

    public var failure: PluginFailure? {
        if case .failed(let f) = self { return f }
        return nil
    }
}

/// One worker process: the `casparian-worker` binary embedding CPython with
/// one plugin loaded. Used by one thread at a time (the pool's lane).
public final class WorkerProcess: @unchecked Sendable {
    public let plugin: PluginDirectory
    public let pid: pid_t
    public private(set) var ready: WorkerReady?
    public private(set) var filesParsed = 0
    public private(set) var isAlive = true
    private let limits: WorkerLimits
    private let commandWriter: FrameWriter
    private let dataReader: FrameReader
    private let commandFD: Int32
    private let dataFD: Int32
    /// A pidfd: readable once the worker has exited (-1 where there are none).
    private let exitFD: Int32
    /// Marks the environment of everything the worker starts (`ProcessTree`).
    private let mark: String
    private let stderrTail: StderrTail
    private let stateLock = NSLock()
    private var killReason: PluginFailure.Category?
    /// Time the host spent in `onEvent` during this file (guarded by
    /// `stateLock`), and since when it is in there now: a consumer that
    /// holds a batch (an output writer busy with another file) blocks the
    /// worker through the pipe, which is not the plugin's time.
    private var hostHeld: Duration = .zero
    private var hostHoldingSince: ContinuousClock.Instant?
    private var exitStatus: ExitStatus?

    /// Starts a worker and waits until it has loaded the plugin.
    /// Throws a `PluginFailure` when the plugin cannot load.
    /// `niceness` (0–19) lowers the worker's CPU priority for its whole life
    /// (a worker started ahead of need: it takes idle cycles, not the parsing's).
    public init(
        plugin: PluginDirectory, environment: WorkerEnvironment, limits: WorkerLimits = WorkerLimits(),
        echoStderr: Bool = false, niceness: Int32 = 0
    ) throws {
        self.plugin = plugin
        self.limits = limits
        // Held until the child has its copies and ours are closed (see spawnLock).
        spawnLock.lock()
        let command = try Pipe2()
        let data = try Pipe2(capacity: 1 << 20)
        let err = try Pipe2()
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        var env = ProcessInfo.processInfo.environment
        env["PYTHONUNBUFFERED"] = "1"
        // Python's faulthandler reports a plugin's crash; Swift's backtracer
        // would only add pages of registers about the worker binary.
        env["SWIFT_BACKTRACE"] = "enable=no"
        let mark = "\(getpid())-\(UInt64.random(in: 1...UInt64.max))"
        env[ProcessTree.markerVariable] = mark
        let args =
            [
                "--plugin", plugin.url.path, "--python", environment.pythonExecutable,
                "--memory-limit", String(limits.memoryLimitBytes), "--host-pid", String(getpid()),
            ] + (niceness > 0 ? ["--nice", String(niceness)] : [])
        let spawned: SpawnedProcess
        do {
            spawned = try SpawnedProcess.spawn(
                executable: environment.workerExecutable, arguments: args,
                fdMap: [(0, devNull), (1, err.write), (2, err.write), (3, command.read), (4, data.write)],
                environment: env)
        } catch {
            for fd in [command.read, command.write, data.read, data.write, err.read, err.write, devNull] { close(fd) }
            spawnLock.unlock()
            throw error
        }
        close(devNull)
        close(command.read)
        close(data.write)
        close(err.write)
        // Opened under the lock, so no worker spawned meanwhile inherits it.
        exitFD = casparian_pidfd_open(spawned.pid)
        if exitFD >= 0 { _ = fcntl(exitFD, F_SETFD, FD_CLOEXEC) }
        spawnLock.unlock()
        pid = spawned.pid
        self.mark = mark
        commandFD = command.write
        dataFD = data.read
        commandWriter = FrameWriter(fd: command.write, ignoringSIGPIPE: true)
        // Reading stops when the worker is gone, even if a process the
        // plugin started still holds the data pipe open.
        dataReader = FrameReader(fd: data.read, writerExit: exitFD >= 0 ? exitFD : nil)
        stderrTail = StderrTail(fd: err.read, capacity: limits.stderrTailLines, echo: echoStderr)

        let first: Frame?
        do {
            first = try dataReader.next()
        } catch  where !error.isEndOfStream {
            throw protocolFailure("\(error)", context: "while loading plugin \(plugin.name)")
        } catch {
            first = nil
        }
        switch first?.kind {
        case .ready?:
            ready = try? first!.decode(WorkerReady.self)
        case .loadFailed?:
            var failure =
                (try? first!.decode(PluginFailure.self))
                ?? PluginFailure(category: .pluginError, message: "plugin \(plugin.name) failed to load")
            failure.stderrTail = stderrTail.snapshot(waitForEOF: false)
            terminate()
            throw failure
        case let kind?:
            throw protocolFailure("a \(kind) frame before the worker was ready", context: "while loading plugin \(plugin.name)")
        case nil:
            var failure = endedFailure(context: "while loading plugin \(plugin.name)")
            failure.message = "the worker for plugin \(plugin.name) did not start: " + failure.message
            throw failure
        }
    }

    deinit {
        if isAlive { terminate() }
        close(commandFD)
        close(dataFD)
        if exitFD >= 0 { close(exitFD) }
    }

    /// Parses one file, calling `onEvent` for every batch, log line and
    /// progress report, on this thread. Never throws: every way a file can go
    /// wrong is a `FileOutcome.failed`, and afterwards `isAlive` says whether
    /// this worker can take another file.
    public func parse(path: String, maxRows: Int? = nil, onEvent: (WorkerEvent) -> Void) -> FileOutcome {
        guard isAlive else { return .failed(PluginFailure(category: .crash, message: "worker is not running")) }
        stderrTail.clear()
        stateLock.withLock {
            killReason = nil
            hostHeld = .zero
            hostHoldingSince = nil
        }
        let request = ParseRequest.newRequestNumber()
        do {
            try commandWriter.write(Frame(kind: .parseFile, json: ParseRequest(path: path, maxRows: maxRows, request: request)))
        } catch {
            // EPIPE: the worker died while idle (the OOM killer, an
            // operator) or its plugin closed fd 3.
            return .failed(endedFailure(context: "before parsing \(path) (its command pipe was closed)"))
        }
        let watchdog = startWatchdog()
        defer { watchdog.cancel() }

        func deliver(_ event: WorkerEvent) {
            let since = ContinuousClock.now
            self.stateLock.withLock { self.hostHoldingSince = since }
            onEvent(event)
            let now = ContinuousClock.now
            self.stateLock.withLock {
                self.hostHeld += now - since
                self.hostHoldingSince = nil
            }
        }
        var frames = FileFrames(request: request)
        while true {
            let frame: Frame?
            do {
                frame = try dataReader.next()
            } catch  where !error.isEndOfStream {
                return .failed(protocolFailure("\(error)", context: "while parsing \(path)"))
            } catch {
                frame = nil
            }
            guard let frame else { return .failed(endedFailure(context: "while parsing \(path)")) }
            do {
                switch try frames.take(frame) {
                case .declared:
                    continue
                case .event(let event):
                    deliver(event)
                case .parsed(let rows):
                    filesParsed += 1
                    return .parsed(rows: rows)
                case .failed(let message):
                    filesParsed += 1
                    var failure = message.failure
                    failure.stderrTail = stderrTail.snapshot(waitForEOF: false)
                    if let reason = stateLock.withLock({ killReason }), reason == .timeout {
                        failure.category = .timeout
                    }
                    return .failed(failure)
                }
            } catch {
                return .failed(protocolFailure("\(error)", context: "while parsing \(path)"))
            }
        }
    }

    /// The failure for bytes on the data pipe that are no frame of this
    /// file: the worker cannot be trusted with another file, so it is killed
    /// at once (not left to the deadline and then retried as a timeout), and
    /// the file fails as `bad_output`, which is not retried.
    private func protocolFailure(_ what: String, context: String) -> PluginFailure {
        terminate()
        return PluginFailure(
            category: .badOutput,
            message:
                "protocol error from the worker \(context): \(what); the worker was replaced (a plugin must not write to fd 4 or close fds 3 and 4)",
            stderrTail: stderrTail.snapshot(waitForEOF: true))
    }

    /// The deadline (soft stop, then SIGKILL) and the RSS limit for one file.
    /// The deadline counts the plugin's time: what the host spent holding
    /// the worker in `onEvent` moves it later.
    private func startWatchdog() -> DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        let started = ContinuousClock.now
        var softStopped = false
        let pid = self.pid
        let rssLimit = limits.rssLimitBytes
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            let now = ContinuousClock.now
            let held = self.stateLock.withLock { self.hostHeld + (self.hostHoldingSince.map { now - $0 } ?? .zero) }
            let deadline = started + held + self.limits.fileTimeout
            let killAt = deadline + self.limits.killGrace
            if rssLimit > 0, PluginHost.residentBytes(of: pid) > rssLimit {
                self.forceKill(because: .memory)
                timer.cancel()
            } else if now >= killAt {
                self.forceKill(because: .timeout)
                timer.cancel()
            } else if now >= deadline && !softStopped {
                softStopped = true
                self.stateLock.withLock { self.killReason = .timeout }
                Glibc.kill(pid, SIGUSR1)
            }
        }
        timer.resume()
        return timer
    }

    /// The failure for a worker whose pipe ended: reaps it and classifies why.
    /// A worker that closed a pipe but still runs (its plugin closed fd 3 or
    /// 4) gets a second to exit, then is killed as a protocol error.
    private func endedFailure(context: String) -> PluginFailure {
        guard awaitExit(within: .seconds(1)) else {
            return protocolFailure("it closed its end of a pipe but kept running", context: context)
        }
        let status = reap()
        // What the plugin started and left behind is no longer below the
        // worker (its orphans went to init): find it by its environment.
        ProcessTree.killMarked(mark)
        let tail = stderrTail.snapshot(waitForEOF: true)
        let reason = stateLock.withLock { killReason }
        switch (reason, status) {
        case (.timeout?, _):
            return PluginFailure(
                category: .timeout,
                message:
                    "the plugin did not finish within \(limits.fileTimeout) and did not stop when asked; its worker was killed \(context)",
                stderrTail: tail)
        case (.memory?, _):
            return PluginFailure(
                category: .memory,
                message: "the worker passed its memory limit of \(limits.rssLimitBytes >> 20) MiB resident and was killed \(context)",
                stderrTail: tail)
        case (_, .signaled(let sig)):
            let name = String(cString: strsignal(sig))
            return PluginFailure(
                category: .crash, message: "the worker crashed with signal \(sig) (\(name)) \(context)",
                signal: sig, stderrTail: tail)
        case (_, .exited(let code)):
            if tail.contains(where: { $0.contains("MemoryError") || $0.contains("Cannot allocate memory") }) {
                return PluginFailure(
                    category: .memory, message: "the worker ran out of memory \(context)", exitCode: code, stderrTail: tail)
            }
            return PluginFailure(
                category: .exit,
                message: "the worker exited with code \(code) \(context) (did the plugin call os._exit?)",
                exitCode: code, stderrTail: tail)
        }
    }

    private func reap() -> ExitStatus {
        if let exitStatus { return exitStatus }
        let s = ExitStatus.wait(for: pid)
        exitStatus = s
        isAlive = false
        return s
    }

    /// Whether the worker has exited (or does within `limit`), without reaping it.
    private func awaitExit(within limit: Duration) -> Bool {
        if exitStatus != nil { return true }
        if exitFD >= 0 {
            var p = pollfd(fd: exitFD, events: Int16(POLLIN), revents: 0)
            let ms = Int32(limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000)
            while true {
                let n = poll(&p, 1, ms)
                if n >= 0 { return n > 0 }
                if errno != EINTR { break }
            }
        }
        let deadline = ContinuousClock.now + limit
        while ProcessTree.isRunning(pid) {
            if ContinuousClock.now >= deadline { return false }
            usleep(10_000)
        }
        return true
    }

    /// Resident memory of the worker right now.
    public var residentBytes: Int { PluginHost.residentBytes(of: pid) }

    /// Soft-stops the current file (a `CasparianTimeout` raised inside Python).
    public func interrupt() {
        Glibc.kill(pid, SIGUSR1)
    }

    /// Kills the worker and everything it started, and reaps it.
    public func terminate() {
        guard isAlive else { return }
        kill()
        _ = reap()
    }

    /// Kills the worker and everything it started, without reaping it (as
    /// `terminate` does).
    func kill() {
        guard isAlive else { return }
        Self.killTree(pid)
    }

    /// Kills what is below the worker first (while it lives, the orphans of
    /// its plugin's processes are its children: it is a subreaper, and a
    /// process that called setsid() is out of its group), then its group
    /// and itself.
    private static func killTree(_ pid: pid_t) {
        Glibc.kill(pid, SIGSTOP)  // it forks no more while its tree is walked
        ProcessTree.killDescendants(of: pid)
        Glibc.kill(-pid, SIGKILL)
        Glibc.kill(pid, SIGKILL)
    }

    /// Kills the worker for a host about to exit: it is never reaped (the
    /// zombie goes with the host), so releasing it does not wait for its death.
    func abandon() {
        kill()
        isAlive = false
    }

    /// Asks the worker to exit; kills it if it does not within a second.
    public func shutdown() {
        requestShutdown()
        awaitShutdown()
    }

    /// Sends the shutdown request without waiting (a pool asks all its
    /// workers first, so they exit together).
    func requestShutdown() {
        guard isAlive else { return }
        try? commandWriter.write(kind: .shutdown)
    }

    /// Waits up to a second for the worker to exit after `requestShutdown`,
    /// polling quickly at first (a worker exits within a millisecond or two),
    /// then kills it.
    func awaitShutdown() {
        guard isAlive else { return }
        let deadline = ContinuousClock.now + .seconds(1)
        var status: Int32 = 0
        var pause: UInt32 = 100
        while ContinuousClock.now < deadline {
            if waitpid(pid, &status, WNOHANG) == pid {
                isAlive = false
                exitStatus = .exited(0)
                Glibc.kill(-pid, SIGKILL)  // children the plugin left behind
                return
            }
            usleep(pause)
            pause = min(pause * 2, 5_000)
        }
        terminate()
    }

    /// Marks the worker to be killed for a reason the next failure reports.
    func forceKill(because reason: PluginFailure.Category) {
        stateLock.withLock { killReason = reason }
        Self.killTree(pid)
    }
}
