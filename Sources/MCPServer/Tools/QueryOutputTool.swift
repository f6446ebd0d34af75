import CasparianCore
import Foundation
import MCP
import Workspace

/// `query_output`: one read-only SQL statement over the output tables.
enum QueryOutputTool {
    /// Bytes of cell values in one page, so the result stays well under 40,000 characters.
    static let pageBytes = 24_000

    static let spec = ToolSpec(
        name: "query_output", title: "Query output tables (read-only SQL)",
        description: """
            Run ONE read-only statement (SELECT, WITH, read-only PRAGMA) over the tables execute_pipeline \
            wrote: .casparian/output.sqlite (SQLite, the default), or with `target` a postgresql:// URL execute_pipeline \
            wrote to (run in a read-only transaction with a statement timeout, in the target's schema). Each row carries lineage columns _cf_file, _cf_row, _cf_parser_version, \
            _cf_run. Writes, ATTACH and extension loading are refused. Results are paged: pass the returned \
            `cursor` with the same sql for the next page. \
            Example: {"sql": "SELECT region, SUM(amount) FROM sales GROUP BY region", "limit": 50}
            """,
        input: JSONSchema.object(
            [
                "sql": JSONSchema.string("One read-only SQL statement.", minLength: 1, maxLength: 20_000),
                "limit": JSONSchema.integer("Rows per page (default 100).", minimum: 1, maximum: 1000),
                "cursor": JSONSchema.string("The `next_cursor` of the previous page (same sql)."),
                "target": JSONSchema.string("sqlite (default) or the postgresql:// URL execute_pipeline wrote to.", minLength: 1),
                "schema": JSONSchema.string("PostgreSQL targets: the schema of the tables."),
            ], required: ["sql"]),
        output: JSONSchema.output(
            [
                "columns": JSONSchema.array(JSONSchema.string()),
                "rows": JSONSchema.array(JSONSchema.array(JSONSchema.scalar), description: "A list of lists, in `columns` order."),
                "row_count": JSONSchema.integer(),
                "offset": JSONSchema.integer("Rows skipped before this page."),
                "truncated": JSONSchema.boolean("True when more rows exist than this page shows."),
                "next_cursor": JSONSchema.nullable(JSONSchema.string("Pass as `cursor` to get the next page.")),
            ], required: ["columns", "rows", "row_count", "truncated"]),
        annotations: ToolSpec.readOnly,
        run: run)

    static func run(_ call: ToolCall) async throws -> ToolReply {
        let sql = try call.required("sql")
        let limit = call.int("limit") ?? 100
        let offset = try call.string("cursor").map { try QueryCursor.decode($0, sql: sql) } ?? 0
        let workspace = call.environment.workspace
        let target = try OutputTargetSpec(
            parsing: call.string("target") ?? "sqlite", schema: call.string("schema"), relativeTo: workspace.root)
        guard target.kind != .sqlite || FileManager.default.fileExists(atPath: workspace.outputURL.path) else {
            throw CasparianError(
                .notFound, "there are no output tables yet (\(workspace.outputURL.path) does not exist)",
                hint: "run execute_pipeline {plugin, scope_id} first")
        }
        // The guard runs on the statement as written; the page is cut from its first offset+limit rows.
        // The cursor's seal and bound keep this arithmetic far from overflow.
        let options = QueryOptions(maxRows: offset + limit, maxBytes: pageBytes * 4 + offset * 256, timeLimit: .seconds(20))
        let result: QueryResult
        do {
            result = try workspace.query(sql, target: target, options: options)
        } catch let e as CasparianError where e.message.contains("no such table") || e.message.contains("no such column") {
            throw CasparianError(e.kind, e.message, hint: "check the SQL against the output tables: " + tables(target, workspace))
        }
        var rows = Array(result.rows.dropFirst(offset))
        var truncated = result.truncated
        var bytes = 0
        for (i, row) in rows.enumerated() {
            bytes += row.reduce(8) { $0 + ($1.text?.utf8.count ?? 4) + 3 }
            if bytes > pageBytes {
                rows = Array(rows.prefix(max(1, i)))
                truncated = true
                break
            }
        }
        let next = truncated ? QueryCursor.encode(sql: sql, offset: offset + rows.count) : nil
        var fields: [String: Value] = [
            "columns": .array(result.columns.map { .string($0) }),
            "rows": try JSONValue.from(rows),
            "row_count": .int(rows.count), "offset": .int(offset), "truncated": .bool(truncated),
            "next_cursor": next.map { .string($0) } ?? .null,
        ]
        if rows.isEmpty { fields["rows"] = .array([]) }
        let summary =
            "\(rows.count) row\(rows.count == 1 ? "" : "s") × \(result.columns.count) columns"
            + (offset > 0 ? " from row \(offset)" : "") + (truncated ? "; more rows: pass next_cursor" : "")
        return ToolReply(
            fields, summary: summary,
            next: truncated ? ["query_output {sql (same), cursor: next_cursor} for the next page"] : [])
    }

    /// The target's output tables with their columns, for an SQL error
    /// that names a table or column that is not there.
    static func tables(_ target: OutputTargetSpec, _ workspace: Workspace) -> String {
        let listing = (try? workspace.outputListing())?.first { $0.kind == target.kind }
        let names = (listing?.tables ?? []).map(\.table).prefix(20)
        guard !names.isEmpty else { return "there are none yet (list_outputs {} lists every target)" }
        let limit = QueryOptions(maxRows: 1, maxBytes: 1 << 20, timeLimit: .seconds(5))
        return names.map { table -> String in
            let columns = (try? workspace.query("SELECT * FROM \"\(table)\" LIMIT 0", target: target, options: limit))?.columns ?? []
            return columns.isEmpty ? table : "\(table) (\(columns.joined(separator: ", ")))"
        }.joined(separator: "; ")
    }
}
