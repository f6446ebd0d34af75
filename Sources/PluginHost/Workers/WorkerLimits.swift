import Foundation

/// How workers are started and kept in bounds.
public struct WorkerLimits: Sendable, Equatable {
    /// Wall-clock time one file may take before the soft stop.
    public var fileTimeout: Duration = .seconds(300)
    /// Time between the soft stop (an exception inside Python) and SIGKILL.
    public var killGrace: Duration = .seconds(2)
    /// Address-space limit per worker; a plugin past it gets MemoryError.
    public var memoryLimitBytes: Int = 4 << 30
    /// Resident size past which the host kills the worker (`memory`).
    public var rssLimitBytes: Int = 2 << 30
    /// Replace a worker after this many files…
    public var recycleAfterFiles: Int = 500
    /// …or once its resident size passes this after a file.
    public var recycleAboveRSSBytes: Int = 1 << 30
    /// How many lines of the worker's stderr a failure carries.
    public var stderrTailLines: Int = 20
    /// How many times a file whose failure looks transient (the worker was
    /// killed by the system, or the file timed out) is tried again on a
    /// fresh worker before its failure is final.
    public var transientRetries: Int = 2

    public init() {}

    /// For authoring (`preview`, `casparian test`): an author sees a failure
    /// at once, so nothing is retried.
    public static var authoring: WorkerLimits { WorkerLimits(fileTimeout: WorkerLimits().fileTimeout, transientRetries: 0) }

    /// The defaults with this per-file deadline and number of retries.
    public init(fileTimeout: Duration, transientRetries: Int) {
        self.fileTimeout = fileTimeout
        self.transientRetries = transientRetries
    }
}

/// Which Python runs plugins and which binary hosts the workers.
public struct WorkerEnvironment: Sendable, Equatable {
    /// The interpreter: Debian's `/usr/bin/python3` or a venv's `bin/python`.
    public var pythonExecutable: String
    /// The `casparian` binary whose hidden `worker` subcommand embeds Python.
    public var workerExecutable: String

    public init(pythonExecutable: String, workerExecutable: String) {
        self.pythonExecutable = pythonExecutable
        self.workerExecutable = workerExecutable
    }

    /// Resolves the interpreter: an explicit path, then `CASPARIAN_PYTHON`,
    /// then a `.venv/` in the plugin directory, then `/usr/bin/python3`.
    public static func resolvePython(explicit: String?, pluginDirectory: URL?) -> String {
        if let explicit, !explicit.isEmpty { return pythonPath(explicit) }
        if let env = ProcessInfo.processInfo.environment["CASPARIAN_PYTHON"], !env.isEmpty { return pythonPath(env) }
        if let dir = pluginDirectory {
            let venv = dir.appendingPathComponent(".venv/bin/python").path
            if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        }
        return "/usr/bin/python3"
    }

    /// Accepts a venv folder as well as its interpreter.
    static func pythonPath(_ p: String) -> String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue {
            return URL(fileURLWithPath: p).appendingPathComponent("bin/python").path
        }
        return p
    }

    /// `casparian-worker` beside the running executable (or in a folder
    /// above it: tests run inside the test bundle), or `CASPARIAN_WORKER_BINARY`.
    public static func defaultWorkerExecutable() -> String {
        siblingExecutable(named: workerBinaryName, override: "CASPARIAN_WORKER_BINARY")
    }

    /// The Casparian executable `name` beside the running one (or in a folder
    /// up to three above it), or the path in the environment variable
    /// `override`. When there is none, the path beside the running
    /// executable, for the error that names it.
    public static func siblingExecutable(named name: String, override: String) -> String {
        if let env = ProcessInfo.processInfo.environment[override], !env.isEmpty { return env }
        let selfPath = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let home = URL(fileURLWithPath: selfPath).deletingLastPathComponent()
        var dir = home
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return home.appendingPathComponent(name).path
    }

    public static let workerBinaryName = "casparian-worker"
}
