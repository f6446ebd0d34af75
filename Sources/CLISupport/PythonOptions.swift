import ArgumentParser
import Foundation
import PluginHost

/// `--python`: which interpreter runs plugins.
public struct PythonOptions: ParsableArguments {
    public init() {}

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The Python that runs plugins: an interpreter or a virtual environment folder.",
            discussion: "Default: $CASPARIAN_PYTHON, else a .venv/ in the plugin directory, else /usr/bin/python3."))
    public var python: String?

    public func environment(pluginDirectory: URL?) -> WorkerEnvironment {
        WorkerEnvironment(
            pythonExecutable: WorkerEnvironment.resolvePython(explicit: python, pluginDirectory: pluginDirectory),
            workerExecutable: WorkerEnvironment.defaultWorkerExecutable())
    }
}

/// The worker pool of `run` and `backtest`: how many workers, how long a
/// file may take and how often a transient failure is retried.
public struct PoolOptions: ParsableArguments {
    public init() {}

    @Option(help: "Workers in parallel (default: one per core).")
    public var jobs: Int?

    @Option(name: .customLong("timeout"), help: "Seconds one file may take.")
    public var fileTimeout: Int = 300

    @Option(
        help: ArgumentHelp(
            "Times a file is tried again on a fresh worker after a transient failure.",
            discussion:
                "Transient: the worker was killed by the system (SIGKILL, e.g. the OOM killer) or the file timed out. A file whose retries run out goes to the dead-letter list (`casparian files --status dead`)."
        ))
    public var retries: Int = 2

    public func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        guard fileTimeout > 0 else { throw ValidationError("--timeout must be at least 1 second") }
        guard (0...10).contains(retries) else { throw ValidationError("--retries takes 0 to 10 (got \(retries))") }
    }

    /// A pool of `--jobs` workers (one per core by default) with these limits.
    public func pool(_ environment: WorkerEnvironment) -> WorkerPool {
        WorkerPool(
            environment: environment, limits: WorkerLimits(fileTimeout: .seconds(fileTimeout), transientRetries: retries),
            size: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    }
}
