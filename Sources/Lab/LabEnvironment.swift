import CasparianCore
import Foundation
import Logging
import PluginHost
import Workspace

/// What every page and API call of the Lab works with: the workspace, its
/// plugins folder, the worker pool, and the runs this server started.
public final class LabEnvironment: Sendable {
    /// How the Lab is set up (`casparian lab`'s options).
    public struct Configuration: Sendable {
        public var workspaceDirectory: String?
        public var pluginsDirectory: String?
        public var python: String?
        public var workers: Int

        public init(workspaceDirectory: String?, pluginsDirectory: String?, python: String?, workers: Int) {
            self.workspaceDirectory = workspaceDirectory
            self.pluginsDirectory = pluginsDirectory
            self.python = python
            self.workers = workers
        }
    }

    public let workspace: Workspace
    public let pluginsDirectory: URL
    let pool: WorkerPool
    /// The Python and worker binary plugins run with.
    let workerEnvironment: WorkerEnvironment
    let runs: LabRuns
    let logger: Logger

    /// Opens the workspace (`--workspace`, else the nearest `.casparian/`,
    /// else one created in the current folder) and a worker pool.
    public init(configuration: Configuration, logger: Logger) throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let dir = configuration.workspaceDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CasparianError(
                    .notFound, "--workspace \(dir) is not a folder", hint: "pass the folder that holds (or will hold) .casparian/")
            }
        }
        workspace = try Workspace.open(explicit: configuration.workspaceDirectory.map { URL(fileURLWithPath: $0) }, from: cwd)
        pluginsDirectory =
            configuration.pluginsDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? workspace.defaultPluginsDirectory
        let environment = WorkerEnvironment(
            pythonExecutable: WorkerEnvironment.resolvePython(explicit: configuration.python, pluginDirectory: nil),
            workerExecutable: WorkerEnvironment.defaultWorkerExecutable())
        workerEnvironment = environment
        pool = WorkerPool(environment: environment, size: configuration.workers, logger: logger)
        runs = LabRuns(logger: logger)
        self.logger = logger
    }

    /// A plugin of the plugins folder, by name.
    func plugin(_ name: String) throws -> PluginDirectory {
        try workspace.plugin(named: name, pluginsDirectory: pluginsDirectory)
    }

    /// Cancels the runs this server started, waits for them, stops the workers.
    func shutdown() async {
        await runs.cancelAll()
        pool.shutdown()
    }
}

/// The runs (discover, backtest, execute) this Lab started, each a task in
/// the background. Their progress, end and cancellation live in the
/// workspace's job records, which the Jobs view reads; this keeps the tasks
/// only so that stopping the server stops them.
final class LabRuns: @unchecked Sendable {
    private let lock = NSLock()
    private var tasks: [String: Task<Void, Never>] = [:]
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Starts `work` for the run `id` in the background.
    func start(_ id: String, work: @escaping @Sendable () async throws -> Void) {
        let task = Task.detached { [self] in
            do {
                try await work()
            } catch {
                if !(error is CancellationError) { logger.error("run \(id) failed: \(error)") }
            }
            _ = lock.withLock { tasks.removeValue(forKey: id) }
        }
        lock.withLock { tasks[id] = task }
    }

    func cancelAll() async {
        let all = lock.withLock { Array(tasks.values) }
        for t in all { t.cancel() }
        for t in all { await t.value }
    }
}
