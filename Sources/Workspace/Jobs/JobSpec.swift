import Backtest
import CasparianCore
import Catalog
import Foundation
import PluginHost
import WireProtocol

/// What a job runs, kept in the catalog with the job (`runs.spec_json`), so
/// that when the process running it dies, the next one can resume it.
public struct JobSpec: Codable, Sendable, Equatable {
    /// A resumable job: a backtest or an execute (a discovery starts over).
    public var kind: RunKind
    public var plugin: String
    public var pluginsDirectory: String
    public var scopeID: String
    /// The parser version the job started with: a resume with another
    /// version would mix two parsers' results in one job.
    public var parserVersion: String
    /// The pool it ran on: interpreter, size and limits.
    public var python: String
    public var workers: Int
    public var fileTimeoutSeconds: Double
    public var transientRetries: Int
    public var execute: ExecuteOptions?
    public var backtest: BacktestOptions?

    public init(
        kind: RunKind, plugin: PluginDirectory, scopeID: String, pool: WorkerPool, execute: ExecuteOptions? = nil,
        backtest: BacktestOptions? = nil
    ) {
        self.kind = kind
        self.plugin = plugin.name
        pluginsDirectory = plugin.url.deletingLastPathComponent().path
        self.scopeID = scopeID
        parserVersion = plugin.version
        python = pool.environment.pythonExecutable
        workers = pool.size
        fileTimeoutSeconds = pool.limits.fileTimeout.seconds
        transientRetries = pool.limits.transientRetries
        self.execute = execute
        self.backtest = backtest
    }

    enum CodingKeys: String, CodingKey {
        case kind, plugin, python, workers, execute, backtest
        case pluginsDirectory = "plugins_directory"
        case scopeID = "scope_id"
        case parserVersion = "parser_version"
        case fileTimeoutSeconds = "file_timeout_seconds"
        case transientRetries = "transient_retries"
    }

    var json: String { (try? jsonText()) ?? "" }

    /// A pool like the one the job ran on.
    func makePool() -> WorkerPool {
        WorkerPool(
            environment: WorkerEnvironment(pythonExecutable: python, workerExecutable: WorkerEnvironment.defaultWorkerExecutable()),
            limits: WorkerLimits(fileTimeout: .milliseconds(Int64(fileTimeoutSeconds * 1000)), transientRetries: transientRetries),
            size: workers)
    }
}

extension DeadLetter {
    /// The entry for a file whose `attempts` tries all failed, the last with `message`.
    init(
        path: String, plugin: PluginDirectory, runID: String, kind: RunKind, category: String, message: String,
        attempts: Int, earlier: [String]
    ) {
        self.init(
            path: path, plugin: plugin.name, parserVersion: plugin.version, runID: runID, kind: kind, category: category,
            message: message, attempts: attempts,
            history: (earlier + [message]).enumerated().map { "attempt \($0 + 1): \($1)" })
    }

    /// The entry for a file whose retries ran out with `failure`.
    init(failure: PluginFailure, path: String, plugin: PluginDirectory, runID: String, kind: RunKind) {
        self.init(
            path: path, plugin: plugin, runID: runID, kind: kind, category: failure.category.rawValue,
            message: failure.summary, attempts: failure.attempts, earlier: failure.earlierAttempts)
    }
}
