import Backtest
import Foundation
import MCP
import Workspace

/// `run_backtest`: run a plugin over a scope against its contract.
enum BacktestTool {
    static let spec = ToolSpec(
        name: "run_backtest", title: "Backtest a plugin over a scope",
        description: """
            Run a plugin over every file of a scope against its locked contract — without one, against the types its latest \
            discovery proved, else those the passing files prove (judged_by says which). Files that failed before go first; \
            when they still fail the run stops early. Returns pass_rate (0 to 1), file counts, failure clusters with \
            suggestions and the worst files. Sends progress; long runs return a run_id to poll with get_run_status. \
            Example: {"plugin": "sales", "scope_id": "scp_…"}
            """,
        input: JSONSchema.object(
            [
                "plugin": JSONSchema.string("A plugin in the plugins folder.", minLength: 1),
                "scope_id": JSONSchema.string("The scope from apply_scope (id or name).", minLength: 1),
                "fail_fast": JSONSchema.boolean("Stop early when files that failed before still fail (default true)."),
                "wait_seconds": LongRun.waitArgument,
            ], required: ["plugin", "scope_id"]),
        output: JSONSchema.output(LongRun.backtestOutput, required: ["run_id", "status"]),
        annotations: ToolSpec.additive,
        run: run)

    static func run(_ call: ToolCall) async throws -> ToolReply {
        let env = call.environment
        let plugin = try env.plugin(try call.required("plugin"))
        let scope = try env.scope(try call.required("scope_id"))
        var options = BacktestOptions()
        options.failFast = call.bool("fail_fast") ?? true
        let chosen = options
        return try await LongRun.execute(call, kind: .backtest, plugin: plugin, scope: scope) { ctx in
            let result = try await env.workspace.backtest(
                plugin: plugin, scope: scope, pool: env.pool, options: chosen,
                run: ctx.run
            ) { p in
                ctx.progress(p.tested, of: p.total, "\(p.passed) passed, \(p.failed) failed")
            }
            return try reply(result, runID: ctx.runID, root: scope.definition.root, scopeID: scope.id)
        }
    }

    /// The answer for a workspace backtest: the report's figures, what the fix changed, and the iteration verdict.
    static func reply(_ result: WorkspaceBacktest, runID: String, root: String, scopeID: String) throws -> ToolReply {
        let r = result.report
        let pct = String(format: "%.1f", r.passRate * 100)
        var summary = "backtest of \(r.plugin) \(r.parserVersion): \(r.filesPassed)/\(r.filesTested) files passed (\(pct)%)"
        if r.earlyStopped { summary += ", stopped early (\(r.filesSkipped) not run): files that failed before still fail" }
        if let c = r.clusters.first { summary += "; biggest cluster: \(c.category.rawValue) in \(c.files) files" }
        if let changes = r.changes, !changes.isEmpty || changes.previousVersion != r.parserVersion {
            summary += "; output \(changes.summary)"
        }
        var next: [String] = []
        if r.status == .passed {
            next = ["execute_pipeline {plugin: \"\(r.plugin)\", scope_id: \"\(scopeID)\"} to write the output tables"]
        } else if r.filesFailed > 0 {
            next = [
                "fix_parser {plugin: \"\(r.plugin)\", source: \"…\"} with a parser that handles the clusters' cases",
                "propose_amendment {contract_id, from_run_id: \"\(runID)\"} if the data legitimately changed",
            ]
        }
        var fields = try LongRun.backtestFields(r, runID: runID, root: root)
        let rel = { (p: String) -> Value in .string(FailureAnalysis.relative(p, root)) }
        fields["fixed"] = .array(result.fixed.prefix(20).map(rel))
        fields["still_failing"] = .array(result.stillFailing.prefix(20).map(rel))
        fields["regressed"] = .array(result.regressed.prefix(20).map(rel))
        fields["fixed_count"] = .int(result.fixed.count)
        fields["still_failing_count"] = .int(result.stillFailing.count)
        fields["regressed_count"] = .int(result.regressed.count)
        fields["verdict"] = .string(result.verdict.rawValue)
        return ToolReply(fields, summary: summary, next: next)
    }
}
