import CasparianCore
import Foundation
import MCP
import Workspace

/// `list_outputs`: the output tables of every target, with their target.
enum ListOutputsTool {
    static let spec = ToolSpec(
        name: "list_outputs", title: "List output tables and their targets",
        description: """
            List the tables execute_pipeline wrote, in every target: .casparian/output.sqlite and each Parquet folder \\
            or PostgreSQL database a plugin was executed into — table, plugin, contract version, rows and target. \\
            A target that cannot be read now (a server that does not answer) is listed with its error. Example: {}
            """,
        input: JSONSchema.object([:], required: []),
        output: JSONSchema.output(
            [
                "targets": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "target": JSONSchema.string("sqlite, parquet:FOLDER or a postgresql:// URL (a password shows as ***)."),
                            "kind": JSONSchema.string(oneOf: ["sqlite", "parquet", "postgresql"]),
                            "tables": JSONSchema.array(
                                JSONSchema.object(
                                    [
                                        "table": JSONSchema.string(), "plugin": JSONSchema.string(),
                                        "contract_version": JSONSchema.integer(), "rows": JSONSchema.integer(),
                                    ], required: ["table", "plugin", "rows"], closed: false)),
                            "error": JSONSchema.nullable(JSONSchema.string()),
                        ], required: ["target", "kind", "tables"], closed: false))
            ], required: ["targets"]),
        annotations: ToolSpec.readOnly,
        run: run)

    static func run(_ call: ToolCall) async throws -> ToolReply {
        let listing = try call.environment.workspace.outputListing()
        let targets: [Value] = listing.map { t in
            .object([
                "target": .string(t.target), "kind": .string(t.kind.rawValue),
                "tables": .array(
                    t.tables.map {
                        .object([
                            "table": .string($0.table), "plugin": .string($0.plugin), "contract_version": .int($0.contractVersion),
                            "rows": .int($0.rows),
                        ])
                    }),
                "error": t.error.map { .string($0) } ?? .null,
            ])
        }
        let tables = listing.reduce(0) { $0 + $1.tables.count }
        let summary =
            listing.isEmpty
            ? "no output tables yet"
            : "\(tables) table\(tables == 1 ? "" : "s") in \(listing.count) target\(listing.count == 1 ? "" : "s"): "
                + listing.map { t in "\(t.target) (\(t.error == nil ? t.tables.map(\.table).joined(separator: ", ") : "unreadable"))" }
                .joined(separator: "; ")
        return ToolReply(
            ["targets": .array(targets)], summary: summary,
            next: listing.isEmpty ? ["execute_pipeline {plugin, scope_id, to} writes tables"] : [])
    }
}
