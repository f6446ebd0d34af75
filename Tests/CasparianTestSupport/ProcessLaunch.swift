import Foundation

/// A process a test runs: what to execute, where, with what, and for how
/// long at most. `run()` waits for it; `start()` hands back the running
/// process, for tests that read its output as it comes or signal it.
public struct ProcessLaunch: Sendable {
    /// Generous: a debug `casparian` on a loaded 2-core machine takes seconds
    /// for what takes milliseconds alone. A test that needs longer says so.
    public static let defaultTimeout: TimeInterval = 120

    /// The program and its arguments (`argv`); the program is a path.
    public var command: [String]
    /// The working directory (default: the test process's).
    public var directory: URL?
    /// The whole environment of the process.
    public var environment: [String: String]
    /// What the process reads on stdin; nil: /dev/null.
    public var stdin: Data?
    /// From the start to the end of the process and its output: past it
    /// the process group is killed and the run fails with `ProcessTimedOut`.
    public var timeout: TimeInterval

    public init(
        _ executable: String, _ arguments: [String] = [], in directory: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, stdin: Data? = nil,
        timeout: TimeInterval = ProcessLaunch.defaultTimeout
    ) {
        self.command = [executable] + arguments
        self.directory = directory
        self.environment = environment
        self.stdin = stdin
        self.timeout = timeout
    }

    /// Runs the process to its end and returns what it printed and how it ended.
    public func run() throws -> ProcessResult {
        try start().wait()
    }

    /// Runs the process to its end on a thread of its own, not one of the
    /// concurrency pool's: the pool has one thread per core, and a test
    /// that blocks one for minutes (a browser session) starves every other
    /// test of the run into its time limit.
    public func finish() async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            let launch = self
            let thread = Thread { continuation.resume(with: Result { try launch.run() }) }
            thread.name = "ProcessLaunch.finish"
            thread.start()
        }
    }

    /// Starts the process; the caller reads, signals and waits for it.
    public func start() throws -> LaunchedProcess {
        try LaunchedProcess(self)
    }

    /// The command as a shell would show it, for messages.
    public var commandLine: String {
        let shown = command.map { arg in
            arg.isEmpty || arg.contains(where: { " \"'\\$`*?![]{}();&|<>#\n\t".contains($0) })
                ? "'" + arg.replacingOccurrences(of: "'", with: #"'\''"#) + "'" : arg
        }.joined(separator: " ")
        return directory.map { "\(shown) (in \($0.path))" } ?? shown
    }
}
