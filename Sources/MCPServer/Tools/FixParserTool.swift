import Backtest
import CasparianCore
import Catalog
import Foundation
import MCP
import Workspace

/// `fix_parser`: install a new parser version and re-backtest it, known-bad files first.
enum FixParserTool {
    static let spec = ToolSpec(
        name: "fix_parser", title: "Install a new parser version and re-test it",
        description: """
            Replace plugins/<plugin>/parser.py with `source` (the whole file; a new plugin name creates the plugin). \
            The write is atomic and every version's source is kept in the catalog. Then the plugin is backtested \
            again over `scope_id` (default: the scope of its last backtest), files that failed before first, and the \
            result says which files were fixed, which still fail, which regressed, and the iteration verdict \
            (continuing, pass_rate_reached, plateau, max_iterations). \
            Example: {"plugin": "sales", "source": "import csv\\n\\ndef parse(path, ctx):\\n    ..."}
            """,
        input: JSONSchema.object(
            [
                "plugin": JSONSchema.string("Plugin name (folder under the plugins folder).", minLength: 1, maxLength: 64),
                "source": JSONSchema.string("The complete new parser.py.", minLength: 1, maxLength: 1_000_000),
                "scope_id": JSONSchema.string("Scope to re-test on (default: the plugin's last backtested scope).", minLength: 1),
                "wait_seconds": LongRun.waitArgument,
            ], required: ["plugin", "source"]),
        output: JSONSchema.output(
            LongRun.backtestOutput.merging([
                "version": JSONSchema.string("The new parser version."),
                "previous_version": JSONSchema.nullable(JSONSchema.string()),
                "created": JSONSchema.boolean("True when the plugin was new."),
            ]) { a, _ in a }, required: ["version", "status"]),
        annotations: ToolSpec.destructive,
        run: run)

    static func run(_ call: ToolCall) async throws -> ToolReply {
        let env = call.environment
        let name = try call.required("plugin")
        let source = try call.required("source")
        try Workspace.checkParserSource(source)
        let scope: StoredScope?
        if let s = call.string("scope_id") {
            scope = try env.scope(s)
        } else {
            scope = try env.workspace.lastBacktestScope(plugin: name).map { try env.scope($0.id) }
        }
        let previous = try? env.workspace.plugin(named: name, pluginsDirectory: env.pluginsDirectory)
        let plugin = try env.workspace.writeParser(plugin: name, source: source, pluginsDirectory: env.pluginsDirectory)
        let installed: [String: Value] = [
            "version": .string(plugin.version), "previous_version": previous.map { .string($0.version) } ?? .null,
            "created": .bool(previous == nil),
        ]
        let what = "\(name) \(previous == nil ? "created" : "updated") at version \(plugin.version)"
        guard let scope else {
            return ToolReply(
                installed.merging(["status": "done"]) { a, _ in a }, summary: "plugin \(what); no scope to re-test on",
                next: ["run_backtest {plugin: \"\(name)\", scope_id} to test it"])
        }
        return try await LongRun.execute(call, kind: .backtest, plugin: plugin, scope: scope) { ctx in
            let result = try await env.workspace.backtest(plugin: plugin, scope: scope, pool: env.pool, run: ctx.run) { p in
                ctx.progress(p.tested, of: p.total, "\(p.passed) passed, \(p.failed) failed")
            }
            var reply = try BacktestTool.reply(result, runID: ctx.runID, root: scope.definition.root, scopeID: scope.id)
            for (k, v) in installed { reply.fields[k] = v }
            reply.summary =
                "\(what): fixed \(result.fixed.count), still failing \(result.stillFailing.count), regressed \(result.regressed.count); "
                + reply.summary + "; verdict: \(result.verdict.rawValue)"
            return reply
        }
    }
}
