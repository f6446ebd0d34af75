import CProcessControl
import CPython
import CasparianCore
import Foundation
import WireProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// How a worker process is set up; the host passes these as arguments.
public struct WorkerConfiguration: Sendable {
    public var pluginDirectory: String
    public var pythonExecutable: String
    public var commandFD: Int32
    public var dataFD: Int32
    /// Address-space limit for the whole worker, in bytes (0 = none).
    public var memoryLimitBytes: Int
    /// The host's pid; the worker exits when its parent changes.
    public var hostPID: Int32

    public init(
        pluginDirectory: String, pythonExecutable: String, commandFD: Int32 = 3, dataFD: Int32 = 4,
        memoryLimitBytes: Int = 0, hostPID: Int32
    ) {
        self.pluginDirectory = pluginDirectory
        self.pythonExecutable = pythonExecutable
        self.commandFD = commandFD
        self.dataFD = dataFD
        self.memoryLimitBytes = memoryLimitBytes
        self.hostPID = hostPID
    }
}

/// The worker side of the wire protocol: embeds CPython, loads one plugin
/// and parses the files the host sends, until told to stop.
public enum WorkerMain {
    public static func run(_ config: WorkerConfiguration) -> Never {
        prepareProcess(config)
        let writer = FrameWriter(fd: config.dataFD)
        let reader = FrameReader(fd: config.commandFD)
        let session: WorkerSession
        do {
            session = try WorkerSession(config: config, writer: writer)
        } catch let failure as PluginFailure {
            try? writer.write(Frame(kind: .loadFailed, json: failure))
            exit()
        } catch {
            let failure = PluginFailure(category: .pluginError, message: "\(error)")
            try? writer.write(Frame(kind: .loadFailed, json: failure))
            exit()
        }
        do {
            try writer.write(Frame(kind: .ready, json: session.readyMessage))
            while let frame = try reader.next() {
                switch frame.kind {
                case .parseFile:
                    let request = try frame.decode(ParseRequest.self)
                    try session.parse(request)
                case .shutdown:
                    exit()
                default:
                    FileHandle.standardError.write(Data("worker: unexpected frame \(frame.kind)\n".utf8))
                    _exit(70)
                }
            }
        } catch {
            // The host went away or the pipe broke: nothing more to do.
            exit()
        }
        exit()
    }

    /// Ends what the plugin started (below the worker, which is their
    /// subreaper, whatever their session), then the worker.
    private static func exit() -> Never {
        ProcessTree.killDescendants(of: getpid())
        _exit(0)
    }

    /// Closes every descriptor the host let through by accident (a pipe it
    /// created without close-on-exec for something else): holding one open
    /// would keep that pipe from ever reaching end-of-file in the host.
    private static func closeInheritedDescriptors(keeping keep: Set<Int32>) {
        guard let dir = opendir("/proc/self/fd") else { return }
        let dirFD = dirfd(dir)
        var stray: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let fd = Int32(name), fd != dirFD, !keep.contains(fd) { stray.append(fd) }
        }
        closedir(dir)
        for fd in stray { close(fd) }
    }

    /// Whether AddressSanitizer or ThreadSanitizer is loaded (`make
    /// sanitize`): they reserve terabytes of address space for shadow memory
    /// at start, so an address-space limit would fail every later mapping.
    /// Such a worker goes without it; the host's resident-memory limit stays.
    static let runsUnderSanitizer = dlsym(nil, "__asan_init") != nil || dlsym(nil, "__tsan_init") != nil

    /// Limits, descriptor hygiene and the parent watchdog, before Python starts.
    private static func prepareProcess(_ config: WorkerConfiguration) {
        signal(SIGPIPE, SIG_IGN)
        // Orphans of the plugin's processes (a daemon that called setsid()
        // and whose parent exited) become our children rather than init's,
        // so they can be found and ended with the worker.
        _ = casparian_set_child_subreaper()
        if config.memoryLimitBytes > 0 && !runsUnderSanitizer {
            var limit = rlimit(rlim_cur: rlim_t(config.memoryLimitBytes), rlim_max: rlim_t(config.memoryLimitBytes))
            setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
        }
        closeInheritedDescriptors(keeping: [0, 1, 2, config.commandFD, config.dataFD])
        // Processes the plugin starts must not inherit the protocol pipes.
        _ = fcntl(config.commandFD, F_SETFD, FD_CLOEXEC)
        _ = fcntl(config.dataFD, F_SETFD, FD_CLOEXEC)
        // Die with the host: PR_SET_PDEATHSIG is tied to the host thread that
        // spawned us, so watch the parent pid instead, and take our process
        // group (the plugin's children) down with us.
        let host = config.hostPID
        let watchdog = Thread {
            // The soft stop (SIGUSR1) must land on the Python thread.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGUSR1)
            pthread_sigmask(SIG_BLOCK, &set, nil)
            while true {
                if getppid() != host {
                    ProcessTree.killDescendants(of: getpid())
                    kill(0, SIGKILL)
                    _exit(137)
                }
                usleep(200_000)
            }
        }
        watchdog.start()
    }
}
