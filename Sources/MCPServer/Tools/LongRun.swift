import Backtest
import CasparianCore
import Catalog
import Foundation
import MCP
import Workspace

/// The shared shape of long tools: start a background run, wait up to the
/// budget, and return either the result or a `run_id` to poll.
enum LongRun {
    /// The optional argument every long tool takes.
    static let waitArgument = JSONSchema.integer(
        "Seconds to wait before returning a run_id to poll (default: the server's --wait).",
        minimum: 0, maximum: 600)

    /// Opens the workspace's run for a plugin over a scope (taking over an
    /// interrupted job of the same kind, plugin and scope), starts `work` in
    /// the background, and waits up to the budget.
    static func execute(
        _ call: ToolCall, kind: RunKind, plugin: PluginDirectory, scope: StoredScope,
        work: @escaping @Sendable (BackgroundRuns.Context) async throws -> ToolReply
    ) async throws -> ToolReply {
        let run = try call.environment.workspace.openRun(kind: kind, plugin: plugin.name, scopeID: scope.id, parserVersion: plugin.version)
        return try await execute(call, run: run, what: "\(kind) of \(plugin.name)", work: work)
    }

    /// Starts `work` for an opened run in the background and waits up to the budget.
    static func execute(
        _ call: ToolCall, run: WorkspaceRun, what: String,
        work: @escaping @Sendable (BackgroundRuns.Context) async throws -> ToolReply
    ) async throws -> ToolReply {
        let env = call.environment
        let id = env.runs.start(run, progress: call.progress, work: work)
        let budget = call.int("wait_seconds").map { Duration.seconds($0) } ?? env.configuration.waitBudget
        let outcome = await env.runs.wait(id, budget: budget)
        await call.progress.finish()
        switch outcome {
        case nil:
            return ToolReply(
                ["run_id": .string(id), "status": "running"],
                summary: "\(what) is still running after \(budget.components.seconds)s; it goes on in the background",
                next: ["get_run_status {run_id: \"\(id)\"} in a few seconds", "cancel_run {run_id: \"\(id)\"} to stop it"])
        case .finished(let reply)?:
            return reply
        case .failed(let error)?:
            throw error
        }
    }

    /// The fields of a backtest report a model needs (full report: the run's resource).
    static func backtestFields(_ r: BacktestReport, runID: String, root: String?) throws -> [String: Value] {
        let worst = r.worstFiles.prefix(10).map { f -> Value in
            .object([
                "path": .string(FailureAnalysis.relative(f.path, root)), "category": f.category.map { .string($0.rawValue) } ?? .null,
                "message": .string(String((f.message ?? "").prefix(400))), "prior": .string(f.prior.rawValue),
                "plugin_line": f.pluginLine.map { .int($0) } ?? .null,
            ])
        }
        return [
            "run_id": .string(runID), "status": .string(r.status == .cancelled ? "cancelled" : "done"),
            "backtest_status": .string(r.status.rawValue), "plugin": .string(r.plugin), "parser_version": .string(r.parserVersion),
            "contract_version": r.contractVersion.map { .int($0) } ?? .null, "judged_by": r.judgedBy.map { .string($0) } ?? .null,
            "iteration": .int(r.iteration), "pass_rate": .double(r.passRate), "files_total": .int(r.filesTotal),
            "files_tested": .int(r.filesTested),
            "files_passed": .int(r.filesPassed), "files_failed": .int(r.filesFailed), "files_skipped": .int(r.filesSkipped),
            "early_stopped": .bool(r.earlyStopped), "stop_reason": r.stopReason.map { .string($0) } ?? .null,
            "known_bad_tested": .int(r.knownBadTested), "known_bad_passed": .int(r.knownBadPassed),
            "categories": .object(r.categories.mapValues { .int($0) }),
            "clusters": try JSONValue.from(Array(r.clusters.prefix(8))), "clusters_total": .int(r.clusters.count),
            "worst_files": .array(Array(worst)), "duration_milliseconds": .int(r.durationMilliseconds),
            "report_uri": .string(ResourceCatalog.runPrefix + runID),
            "changes": r.changes.map { changesValue($0, root: root) } ?? .null,
        ]
    }

    /// What a parser version changed in the output, as run_backtest and fix_parser answer it.
    static func changesValue(_ c: OutputChanges, root: String?) -> Value {
        .object([
            "previous_version": .string(c.previousVersion), "version": .string(c.version),
            "files_compared": .int(c.filesCompared), "files_changed": .int(c.filesChanged),
            "rows_added": .int(c.rowsAdded), "rows_removed": .int(c.rowsRemoved), "rows_changed": .int(c.rowsChanged),
            "columns_changed": .object(c.columnsChanged.mapValues { .int($0) }),
            "examples": .array(
                c.examples.map { e in
                    .object([
                        "file": .string(FailureAnalysis.relative(e.file, root)), "output": .string(e.output), "row": .int(e.row),
                        "column": .string(e.column), "old": e.old.map { .string($0) } ?? .null, "new": e.new.map { .string($0) } ?? .null,
                    ])
                }),
            "summary": .string(c.summary),
        ])
    }

    /// Output properties shared by run_backtest and fix_parser.
    static var backtestOutput: [String: Value] {
        [
            "run_id": JSONSchema.string(),
            "status": JSONSchema.string("running (poll get_run_status), done or cancelled.", oneOf: ["running", "done", "cancelled"]),
            "backtest_status": JSONSchema.string(
                "passed: every tested file passed and none was skipped.", oneOf: ["passed", "failed", "cancelled"]),
            "plugin": JSONSchema.string(), "parser_version": JSONSchema.string(),
            "contract_version": JSONSchema.nullable(JSONSchema.integer()),
            "judged_by": JSONSchema.nullable(
                JSONSchema.string(
                    "What judged the files: `contract vN`, else proven types (of discovery disc_…, or accumulated from the passing files).")
            ),
            "iteration": JSONSchema.integer(),
            "pass_rate": JSONSchema.number("Passed ÷ tested, 0 to 1.", minimum: 0, maximum: 1),
            "files_total": JSONSchema.integer(), "files_tested": JSONSchema.integer(), "files_passed": JSONSchema.integer(),
            "files_failed": JSONSchema.integer(), "files_skipped": JSONSchema.integer(),
            "early_stopped": JSONSchema.boolean("True when files that failed before still failed and the run stopped early."),
            "stop_reason": JSONSchema.nullable(JSONSchema.string()),
            "known_bad_tested": JSONSchema.integer(), "known_bad_passed": JSONSchema.integer(),
            "categories": JSONSchema.object([:], closed: false, description: "Failed files by category."),
            "clusters": JSONSchema.array(
                JSONSchema.object(
                    [
                        "category": JSONSchema.string(), "pattern": JSONSchema.string(), "files": JSONSchema.integer(),
                        "suggestion": JSONSchema.string(),
                    ], required: ["category", "files"], closed: false), description: "Failure clusters, biggest first (capped at 8).",
                maxItems: 8),
            "clusters_total": JSONSchema.integer(),
            "worst_files": JSONSchema.array(
                JSONSchema.object(
                    [
                        "path": JSONSchema.string(), "category": JSONSchema.nullable(JSONSchema.string()), "message": JSONSchema.string(),
                        "prior": JSONSchema.string(), "plugin_line": JSONSchema.nullable(JSONSchema.integer()),
                    ], required: ["path", "message"], closed: false), maxItems: 10),
            "duration_milliseconds": JSONSchema.integer(),
            "report_uri": JSONSchema.string("The full report as an MCP resource."),
            "fixed": JSONSchema.array(
                JSONSchema.string(), description: "Files that failed before and pass now (capped at 20).", maxItems: 20),
            "still_failing": JSONSchema.array(JSONSchema.string(), description: "Failed before, fail still (capped at 20).", maxItems: 20),
            "regressed": JSONSchema.array(JSONSchema.string(), description: "Passed before, fail now (capped at 20).", maxItems: 20),
            "fixed_count": JSONSchema.integer(), "still_failing_count": JSONSchema.integer(), "regressed_count": JSONSchema.integer(),
            "changes": JSONSchema.nullable(
                JSONSchema.object(
                    [
                        "previous_version": JSONSchema.string("The version compared against (this one on a re-run)."),
                        "version": JSONSchema.string(), "files_compared": JSONSchema.integer(), "files_changed": JSONSchema.integer(),
                        "rows_added": JSONSchema.integer(), "rows_removed": JSONSchema.integer(), "rows_changed": JSONSchema.integer(),
                        "columns_changed": JSONSchema.object([:], closed: false, description: "Changed cells per column."),
                        "examples": JSONSchema.array(
                            JSONSchema.object(
                                [
                                    "file": JSONSchema.string(), "output": JSONSchema.string(), "row": JSONSchema.integer(),
                                    "column": JSONSchema.string(), "old": JSONSchema.nullable(JSONSchema.string()),
                                    "new": JSONSchema.nullable(JSONSchema.string()),
                                ], required: ["file", "row", "column"], closed: false), maxItems: 20),
                        "summary": JSONSchema.string(),
                    ], required: ["previous_version", "files_compared", "rows_added", "rows_removed", "rows_changed"], closed: false,
                    description:
                        "What this parser version changed in the output of the files the previous version also parsed, even when every file passes (null for a plugin's first version)."
                )),
            "verdict": JSONSchema.string(
                "Where the fix–backtest loop stands.",
                oneOf: ["continuing", "pass_rate_reached", "plateau", "max_iterations", "timeout", "stopped_by_user"]),
        ]
    }
}
