import Backtest
import CasparianCore
import Foundation
import Logging
import PluginHost
import Workspace

/// What every tool works with: the workspace, the allowed roots, the plugins
/// folder, the worker pool and the background runs.
public final class ServerEnvironment: Sendable {
    public let configuration: ServerConfiguration
    public let paths: PathGuard
    public let workspace: Workspace
    public let pluginsDirectory: URL
    public let pool: WorkerPool
    public let runs: BackgroundRuns
    public let logger: Logger

    public init(configuration: ServerConfiguration, logger: Logger) throws {
        let cwd = FileManager.default.currentDirectoryPath
        self.configuration = configuration
        self.logger = logger
        paths = try PathGuard(roots: configuration.roots.isEmpty ? [cwd] : configuration.roots)
        workspace = try Workspace.open(
            explicit: configuration.workspaceDirectory.map { URL(fileURLWithPath: $0) },
            from: URL(fileURLWithPath: cwd))
        pluginsDirectory =
            configuration.pluginsDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? workspace.root.appendingPathComponent("plugins")
        let environment = WorkerEnvironment(
            pythonExecutable: WorkerEnvironment.resolvePython(explicit: configuration.python, pluginDirectory: nil),
            workerExecutable: WorkerEnvironment.defaultWorkerExecutable())
        pool = WorkerPool(environment: environment, size: configuration.workers, logger: logger)
        runs = BackgroundRuns(logger: logger)
    }

    /// An existing plugin of the plugins folder (the workspace façade's lookup).
    public func plugin(_ name: String) throws -> PluginDirectory {
        do {
            return try workspace.plugin(named: name, pluginsDirectory: pluginsDirectory)
        } catch let e as CasparianError where e.kind == .notFound {
            throw CasparianError(
                .notFound, e.message, hint: (e.hint.map { $0 + "; " } ?? "") + "or create it with fix_parser {plugin: \"\(name)\", source}")
        }
    }

    /// Stops background runs and every worker (stdin closed, or the HTTP server stopping).
    public func shutdown() async {
        await runs.cancelAll()
        pool.shutdown()
    }
}
