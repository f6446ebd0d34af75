import CasparianCore
import Foundation
import MCP
import Workspace

/// `execute_pipeline`: write a plugin's output over a scope into output tables.
enum ExecuteTool {
    static let spec = ToolSpec(
        name: "execute_pipeline", title: "Execute a plugin into output tables",
        description: """
            Run an approved plugin over every file of a scope and write its rows, validated against the contract, \
            into a target: "sqlite" (.casparian/output.sqlite, the default), "parquet:FOLDER" (one dataset folder \
            per table, one Parquet file per source file; a relative folder is under the workspace) or a \
            postgresql:// URL (one transaction per source file). One table per contract output, with lineage \
            columns. Re-running replaces a file's rows; files unchanged since their last write to that target by \
            the same parser version are skipped unless force. Sends progress; long runs return a run_id to poll. \
            Then query the tables with query_output (SQLite or PostgreSQL). \
            Example: {"plugin": "sales", "scope_id": "scp_…", "to": "parquet:lake"}
            """,
        input: JSONSchema.object(
            [
                "plugin": JSONSchema.string("A plugin with an approved contract.", minLength: 1),
                "scope_id": JSONSchema.string("The scope from apply_scope (id or name).", minLength: 1),
                "to": JSONSchema.string("The target: sqlite (default), parquet:FOLDER or postgresql://…", minLength: 1),
                "schema": JSONSchema.string("PostgreSQL targets: the schema of the tables (default: the URL's search_path, else public)."),
                "force": JSONSchema.boolean("Re-write files even when unchanged (default false)."),
                "wait_seconds": LongRun.waitArgument,
            ], required: ["plugin", "scope_id"]),
        output: JSONSchema.output(
            [
                "run_id": JSONSchema.string(),
                "status": JSONSchema.string(oneOf: ["running", "done", "failed", "cancelled"]),
                "plugin": JSONSchema.string(), "parser_version": JSONSchema.string(), "contract_version": JSONSchema.integer(),
                "files_total": JSONSchema.integer(), "files_ok": JSONSchema.integer(), "files_failed": JSONSchema.integer(),
                "files_skipped": JSONSchema.integer(), "rows_written": JSONSchema.integer(), "rows_quarantined": JSONSchema.integer(),
                "tables": JSONSchema.array(JSONSchema.string()),
                "target": JSONSchema.string("Where the tables are (a password shows as ***)."),
                "failures": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "path": JSONSchema.string(), "category": JSONSchema.string(), "message": JSONSchema.string(),
                        ], required: ["path", "message"], closed: false), maxItems: 10),
                "failures_total": JSONSchema.integer(),
                "duration_milliseconds": JSONSchema.integer(),
            ], required: ["run_id", "status"]),
        annotations: ToolSpec.destructive,
        run: run)

    static func run(_ call: ToolCall) async throws -> ToolReply {
        let env = call.environment
        let plugin = try env.plugin(try call.required("plugin"))
        let scope = try env.scope(try call.required("scope_id"))
        var options = ExecuteOptions()
        options.target = try OutputTargetSpec(
            parsing: call.string("to") ?? "sqlite", schema: call.string("schema"), relativeTo: env.workspace.root)
        options.force = call.bool("force") ?? false
        let chosen = options
        return try await LongRun.execute(call, kind: .execute, plugin: plugin, scope: scope) { ctx in
            let r = try await env.workspace.execute(plugin: plugin, scope: scope, pool: env.pool, options: chosen, run: ctx.run) { p in
                ctx.progress(p.filesDone, of: p.filesTotal, "\(p.rowsWritten) rows written")
            }
            let prefix = scope.definition.root + "/"
            let failures = r.failures.prefix(10).map { f -> Value in
                .object([
                    "path": .string(f.path.hasPrefix(prefix) ? String(f.path.dropFirst(prefix.count)) : f.path),
                    "category": .string(f.category), "message": .string(String(f.message.prefix(400))),
                ])
            }
            let fields: [String: Value] = [
                "run_id": .string(ctx.runID), "status": .string(r.status.rawValue), "plugin": .string(r.plugin),
                "parser_version": .string(r.parserVersion), "contract_version": .int(r.contractVersion),
                "files_total": .int(r.filesTotal), "files_ok": .int(r.filesOK), "files_failed": .int(r.filesFailed),
                "files_skipped": .int(r.filesSkipped), "rows_written": .int(r.rowsWritten), "rows_quarantined": .int(r.rowsQuarantined),
                "tables": .array(r.tables.map { .string($0) }), "target": .string(r.target ?? "sqlite"),
                "failures": .array(Array(failures)),
                "failures_total": .int(r.failures.count),
                "duration_milliseconds": .int(r.durationMilliseconds),
            ]
            let summary =
                "execute of \(r.plugin): \(r.filesOK) files ok, \(r.filesFailed) failed, \(r.filesSkipped) skipped; \(r.rowsWritten) rows into \(r.tables.joined(separator: ", ")) in \(r.target ?? "sqlite")"
            var next: [String] = []
            if let table = r.tables.first {
                switch chosen.target.kind {
                case .sqlite: next.append("query_output {sql: \"SELECT COUNT(*) FROM \(table)\"}")
                case .postgresql:
                    next.append(
                        "query_output {sql: \"SELECT COUNT(*) FROM \(table)\", target: \"\(chosen.target.displayLocation)\"\(chosen.target.schema.map { ", schema: \"\($0)\"" } ?? "")}"
                    )
                case .parquet:
                    next.append(
                        "read \(chosen.target.location)/\(table)/*.parquet with DuckDB or pyarrow (query_output reads SQLite and PostgreSQL)"
                    )
                }
            }
            if r.filesFailed > 0 { next.append("fix_parser {plugin: \"\(r.plugin)\", source} for the failed files, then execute again") }
            return ToolReply(fields, summary: summary, next: next)
        }
    }
}
