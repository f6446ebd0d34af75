import Backtest
import Catalog
import CasparianCore
import Foundation
import MCP
import Workspace

/// `fix_parser`: install a new parser version and re-backtest it, known-bad files first.
enum FixParserTool {
    static let spec = ToolSpec(
        name: "fix_parser", title: "Install a new parser version and re-test it",
        description: """
            Replace plugins/<plugin>/parser.py with `source` (the whole file; a new plugin name creates the plugin). \
            The write is atomic and the previous version is kept in the catalog. Then the plugin is backtested again \
            over `scope_id` (default: the scope of its last backtest), files that failed before first, and the \
            result says which files were fixed, which still fail, which regressed, and the iteration verdict \
            (continuing, pass_rate_reached, plateau, max_iterations). \
            Example: {"plugin": "sales", "source": "import csv\\n\\ndef parse(path, ctx):\\n    ..."}
            """,
        input: JSONSchema.object([
            "plugin": JSONSchema.string("Plugin name (folder under the plugins folder).", minLength: 1, maxLength: 64),
            "source": JSONSchema.string("The complete new parser.py.", minLength: 1, maxLength: 1_000_000),
            "scope_id": JSONSchema.string("Scope to re-test on (default: the plugin's last backtested scope).", minLength: 1),
            "wait_seconds": LongRun.waitArgument,
        ], required: ["plugin", "source"]),
        output: JSONSchema.output(LongRun.backtestOutput.merging([
            "version": JSONSchema.string("The new parser version."),
            "previous_version": JSONSchema.nullable(JSONSchema.string()),
            "created": JSONSchema.boolean("True when the plugin was new."),
            "fixed": JSONSchema.array(JSONSchema.string(), description: "Files that failed before and pass now (capped at 20).", maxItems: 20),
            "still_failing": JSONSchema.array(JSONSchema.string(), description: "Capped at 20.", maxItems: 20),
            "regressed": JSONSchema.array(JSONSchema.string(), description: "Passed before, fail now (capped at 20).", maxItems: 20),
            "fixed_count": JSONSchema.integer(), "still_failing_count": JSONSchema.integer(), "regressed_count": JSONSchema.integer(),
            "verdict": JSONSchema.nullable(JSONSchema.string(oneOf: ["continuing", "pass_rate_reached", "plateau", "max_iterations",
                                                                     "timeout", "stopped_by_user"])),
        ]) { a, _ in a }, required: ["version", "status"]),
        annotations: ToolSpec.destructive,
        run: run)

    static func run(_ call: ToolCall) async throws -> ToolReply {
        let env = call.environment
        let name = try call.required("plugin")
        _ = try env.pluginURL(name)
        let scope: StoredScope?
        if let s = call.string("scope_id") {
            scope = try env.scope(s)
        } else {
            let last = try env.workspace.catalog.recentRuns(limit: 500).first { $0.kind == "backtest" && $0.plugin == name && $0.scopeID != nil }
            scope = try last?.scopeID.map { try env.scope($0) }
        }
        if let scope { _ = try env.scopePaths(scope) }
        let install = try env.workspace.installParser(plugin: name, source: try call.required("source"), pluginsDirectory: env.pluginsDirectory)
        let installed: [String: Value] = [
            "version": .string(install.version), "previous_version": install.previousVersion.map { .string($0) } ?? .null,
            "created": .bool(install.created),
        ]
        guard let scope else {
            return ToolReply(installed.merging(["status": "done"]) { a, _ in a },
                             summary: "plugin \(name) \(install.created ? "created" : "updated") at version \(install.version); no scope to re-test on",
                             next: ["run_backtest {plugin: \"\(name)\", scope_id} to test it"])
        }
        let plugin = try env.plugin(name)
        return try await LongRun.execute(call, kind: "backtest", plugin: name, scopeID: scope.id, parserVersion: plugin.version) { ctx in
            let report = try await env.workspace.backtest(plugin: plugin, scopeID: scope.id, pool: env.pool, runID: ctx.runID,
                                                          logger: env.logger) { p in
                ctx.progress(p.tested, of: p.total, "\(p.passed) passed, \(p.failed) failed")
            }
            var reply = try BacktestTool.reply(report, runID: ctx.runID, root: scope.definition.root, scopeID: scope.id)
            let rel = { (p: String) in FailureAnalysis.relative(p, scope.definition.root) }
            let fixed = report.results.filter { $0.prior == .failing && $0.status == .passed }.map { rel($0.path) }
            let still = report.results.filter { $0.prior == .failing && $0.status == .failed }.map { rel($0.path) }
            let regressed = report.results.filter { ($0.prior == .passing || $0.prior == .resolved) && $0.status == .failed }.map { rel($0.path) }
            var history = try env.workspace.backtestHistory(plugin: name, scopeID: scope.id)
            if history.last?.parserVersion != report.parserVersion || history.last?.iteration != report.iteration {
                history.append(IterationSummary(report))
            }
            let verdict = IterationPolicy().verdict(history: history, cancelled: report.status == .cancelled)
            for (k, v) in installed { reply.fields[k] = v }
            reply.fields["fixed"] = .array(fixed.prefix(20).map { .string($0) })
            reply.fields["still_failing"] = .array(still.prefix(20).map { .string($0) })
            reply.fields["regressed"] = .array(regressed.prefix(20).map { .string($0) })
            reply.fields["fixed_count"] = .int(fixed.count)
            reply.fields["still_failing_count"] = .int(still.count)
            reply.fields["regressed_count"] = .int(regressed.count)
            reply.fields["verdict"] = .string(verdict.rawValue)
            reply.summary = "\(name) \(install.version): fixed \(fixed.count), still failing \(still.count), regressed \(regressed.count); "
                + reply.summary + "; verdict: \(verdict.rawValue)"
            return (reply, report.status == .cancelled ? .cancelled : .done)
        }
    }
}
