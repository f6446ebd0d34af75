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
        workspace = try Workspace.open(explicit: configuration.workspaceDirectory.map { URL(fileURLWithPath: $0) },
                                       from: URL(fileURLWithPath: cwd))
        pluginsDirectory = configuration.pluginsDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? workspace.root.appendingPathComponent("plugins")
        let environment = WorkerEnvironment(
            pythonExecutable: WorkerEnvironment.resolvePython(explicit: configuration.python, pluginDirectory: nil),
            workerExecutable: WorkerEnvironment.defaultWorkerExecutable())
        pool = WorkerPool(environment: environment, size: configuration.workers, logger: logger)
        runs = BackgroundRuns(catalog: workspace.catalog, logger: logger)
    }

    /// The plugin folder `plugins/<name>`; `name` must be a plain folder name.
    public func pluginURL(_ name: String) throws -> URL {
        guard PluginName.isValid(name) else {
            throw CasparianError(.usage, "\"\(name)\" is not a plugin name",
                                 hint: "use letters, digits, `_` and `-` (e.g. \"sales\"); plugins live in \(pluginsDirectory.path)")
        }
        return pluginsDirectory.appendingPathComponent(name)
    }

    /// An existing plugin by name, with the plugins there listed when it is missing.
    public func plugin(_ name: String) throws -> PluginDirectory {
        let url = try pluginURL(name)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("parser.py").path) else {
            let known = (try? PluginDirectory.list(in: pluginsDirectory).map(\.name)) ?? []
            throw CasparianError(.notFound, "no plugin named \(name) in \(pluginsDirectory.path)",
                                 hint: known.isEmpty ? "create it with fix_parser {plugin: \"\(name)\", source: \"…\"}"
                                     : "plugins there: \(known.joined(separator: ", ")); or create it with fix_parser")
        }
        return try PluginDirectory(url: url)
    }

    /// Stops background runs and every worker (stdin closed, or the HTTP server stopping).
    public func shutdown() async {
        await runs.cancelAll()
        pool.shutdown()
    }
}

/// Plugin names: one path component, no tricks.
enum PluginName {
    static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 64, name != ".", name != "..", !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" || $0 == "." }
    }
}
