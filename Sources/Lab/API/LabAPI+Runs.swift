import Backtest
import CasparianCore
import Catalog
import Foundation
import Workspace

extension LabAPI {
    /// A plugin's backtests, and one's result (the latest finished, or `run`):
    /// iterations, clusters, fixed / still failing / regressed, changes.
    @Sendable static func backtestResult(_ call: LabCall) async throws -> Any {
        let ws = call.environment.workspace
        let plugin = try call.required("plugin")
        _ = try call.environment.plugin(plugin)
        let runs = try ws.jobs(limit: 500).filter { $0.kind == .backtest && $0.plugin == plugin }
        let chosen = try call.string("run").map { id -> JobSummary in
            guard let r = runs.first(where: { $0.id == id }) else {
                throw CasparianError(.notFound, "no backtest \(id) of plugin \(plugin)", hint: "pick one of the plugin's backtests")
            }
            return r
        }
        let shown = chosen ?? runs.first { $0.status == .done || $0.status == .failed }
        let result = try shown.map { LabJSON.runResult(kind: .backtest, try ws.jobDetail(id: $0.id).resultJSON) } ?? NSNull()
        return [
            "plugin": plugin, "runs": try LabJSON.value(runs), "run_id": shown?.id ?? NSNull(), "result": result,
        ]
    }

    /// Starts a backtest of a plugin over a scope in the background.
    @Sendable static func runBacktest(_ call: LabCall) async throws -> Any {
        let env = call.environment
        let plugin = try env.plugin(try call.required("plugin"))
        let scope = try env.workspace.resolveScope(try call.required("scope"))
        var options = BacktestOptions()
        options.failFast = call.bool("fail_fast") ?? true
        let chosen = options
        return try start(.backtest, plugin: plugin, scope: scope, call: call) { run in
            _ = try await env.workspace.backtest(plugin: plugin, scope: scope, pool: env.pool, options: chosen, run: run)
        }
    }

    /// Starts an execute of an approved plugin over a scope into the output tables.
    @Sendable static func runExecute(_ call: LabCall) async throws -> Any {
        let env = call.environment
        let plugin = try env.plugin(try call.required("plugin"))
        let scope = try env.workspace.resolveScope(try call.required("scope"))
        guard try env.workspace.boundContract(for: plugin) != nil else {
            throw CasparianError(
                .conflict, "plugin \(plugin.name) has no approved contract, so its output has no table types",
                hint: "answer the discovery's questions and approve it first (Discovery view)")
        }
        var options = ExecuteOptions()
        options.target = try OutputTargetSpec(parsing: call.string("to") ?? "sqlite", schema: nil, relativeTo: env.workspace.root)
        options.force = call.bool("force") ?? false
        let chosen = options
        return try start(.execute, plugin: plugin, scope: scope, call: call) { run in
            _ = try await env.workspace.execute(plugin: plugin, scope: scope, pool: env.pool, options: chosen, run: run)
        }
    }

    /// Opens the workspace's run of `kind` for a plugin over a scope and does
    /// `work` in it in the background; answers the run's id at once.
    static func start(
        _ kind: RunKind, plugin: PluginDirectory, scope: StoredScope, call: LabCall,
        work: @escaping @Sendable (WorkspaceRun) async throws -> Void
    ) throws -> [String: Any] {
        let env = call.environment
        let run = try env.workspace.openRun(kind: kind, plugin: plugin.name, scopeID: scope.id, parserVersion: plugin.version)
        env.runs.start(run.id) { try await work(run) }
        return ["run_id": run.id, "status": "running"]
    }

    /// Jobs, newest first, with their progress.
    @Sendable static func jobs(_ call: LabCall) async throws -> Any {
        ["jobs": try LabJSON.value(try call.environment.workspace.jobs(limit: try call.int("limit") ?? 100))]
    }

    /// One job with its per-file results and what it recorded.
    @Sendable static func job(_ call: LabCall) async throws -> Any {
        let ws = call.environment.workspace
        let id = try call.required("id")
        let detail = try ws.jobDetail(id: id)
        return [
            "job": try LabJSON.value(try ws.job(id: id)), "result": LabJSON.runResult(kind: detail.summary.kind, detail.resultJSON),
        ]
    }

    /// Asks a job to stop (this Lab's or another process's).
    @Sendable static func cancelJob(_ call: LabCall) async throws -> Any {
        ["job": try LabJSON.value(try call.environment.workspace.cancelJob(id: try call.required("id")))]
    }

    /// A plugin's parser source.
    @Sendable static func parser(_ call: LabCall) async throws -> Any {
        let plugin = try call.environment.plugin(try call.required("plugin"))
        return [
            "plugin": plugin.name, "version": plugin.version, "path": plugin.parserURL.path,
            "source": try String(contentsOf: plugin.parserURL, encoding: .utf8),
        ]
    }

    /// Saves a new parser version (the whole `parser.py`); the catalog keeps every version's source.
    @Sendable static func saveParser(_ call: LabCall) async throws -> Any {
        let env = call.environment
        let name = try call.required("plugin")
        let source = try call.required("source")
        try Workspace.checkParserSource(source)
        let previous = try? env.plugin(name)
        let plugin = try env.workspace.writeParser(plugin: name, source: source, pluginsDirectory: env.pluginsDirectory)
        return ["plugin": plugin.name, "version": plugin.version, "previous_version": LabJSON.orNull(previous?.version)]
    }

    /// One read-only SQL statement over the output tables.
    @Sendable static func query(_ call: LabCall) async throws -> Any {
        let sql = try call.required("sql")
        let limit = try call.int("limit") ?? 1000
        guard (1...10_000).contains(limit) else { throw CasparianError(.usage, "limit must be 1 to 10000 (got \(limit))") }
        let result = try call.environment.workspace.query(sql, options: QueryOptions(maxRows: limit))
        return try LabJSON.value(result)
    }

    /// The tables of every output target.
    @Sendable static func outputs(_ call: LabCall) async throws -> Any {
        ["targets": try LabJSON.value(try call.environment.workspace.outputListing())]
    }
}
