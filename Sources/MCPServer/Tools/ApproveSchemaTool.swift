import CasparianCore
import Contracts
import Foundation
import MCP
import Workspace

/// `approve_schema`: lock a discovery as a plugin's contract.
enum ApproveSchemaTool {
    static let spec = ToolSpec(
        name: "approve_schema", title: "Lock a discovered schema as a contract",
        description: """
            Lock a discovery as the contract of `plugin` (default: the parser that ran the discovery) and write \
            plugins/<plugin>/contract.json; the plugin need not exist yet. `answers` settle open questions \
            ({"order_date": "date:%m/%d/%Y"}); `overrides` change locked fields ({"amount.nullable": "true", \
            "sales.mode": "strict"}). A single-output discovery becomes the plugin's default output, named after the \
            plugin. A discovery of the built-in reader also writes the plugin's parser.py when it has none (the \
            reference CSV/TSV reader, each file's rows routed to its family's table), so run_backtest and \
            execute_pipeline run it; the files that discovery skipped (not CSV/TSV) go into the contract's \
            excluded_files, named relative to the scope's root (excluded_skipped lists them). A plugin that already has a contract changes through propose_amendment. \
            Example: {"discovery_id": "disc_…", "plugin": "sales"}
            """,
        input: JSONSchema.object(
            [
                "discovery_id": JSONSchema.string("From discover_schemas.", minLength: 1),
                "plugin": JSONSchema.string("The plugin the contract binds (default: the discovery's parser).", minLength: 1),
                "answers": JSONSchema.object([:], closed: false, description: "COLUMN → \"TYPE\" or \"TYPE:FORMAT\"."),
                "overrides": JSONSchema.object([:], closed: false, description: "\"COLUMN.FIELD\" or \"OUTPUT.mode\" → value (string)."),
                "exclude_files": JSONSchema.array(
                    JSONSchema.string(minLength: 1), description: "Files the contract leaves out.", maxItems: 1000),
            ], required: ["discovery_id"]),
        output: JSONSchema.output(
            [
                "contract_id": JSONSchema.string(),
                "version": JSONSchema.integer(),
                "plugin": JSONSchema.string(),
                "contract_file": JSONSchema.string(),
                "contract_uri": JSONSchema.string("The contract as an MCP resource."),
                "excluded_skipped": JSONSchema.array(
                    JSONSchema.object(["file": JSONSchema.string(), "format": JSONSchema.string()], required: ["file", "format"]),
                    description:
                        "Files discovery skipped (other formats), now in the contract's excluded_files so backtests and runs leave them out."
                ),
                "schemas": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "output": JSONSchema.string(), "mode": JSONSchema.string(),
                            "columns": JSONSchema.array(
                                JSONSchema.object(
                                    [
                                        "name": JSONSchema.string(), "type": JSONSchema.string(), "nullable": JSONSchema.boolean(),
                                    ], required: ["name", "type"], closed: false)),
                        ], required: ["output", "columns"], closed: false)),
            ], required: ["contract_id", "version", "plugin", "schemas"]),
        annotations: ToolSpec.additive,
        run: run)

    static func run(_ call: ToolCall) async throws -> ToolReply {
        let env = call.environment
        let discoveryID = try call.required("discovery_id")
        let discovery = try env.workspace.discovery(id: discoveryID)
        let plugin = call.string("plugin") ?? discovery.plugin
        let answers = try strings(call.object("answers"), joiner: "=", name: "answers")
        let overrides = try strings(call.object("overrides"), joiner: "=", name: "overrides")
        let request = try env.workspace.approvalRequest(
            discoveryID: discoveryID, plugin: plugin, answers: answers, overrides: overrides,
            excludedFiles: call.strings("exclude_files") ?? [], approvedBy: "mcp")
        let outcome = try env.workspace.approve(discoveryID: discoveryID, request: request, pluginsDirectory: env.pluginsDirectory)
        let c = outcome.contract
        let tables = c.schemas.map { "\($0.output) (\($0.columns.count) columns)" }.joined(separator: ", ")
        let pluginExists = FileManager.default.fileExists(
            atPath: env.pluginsDirectory.appendingPathComponent(plugin).appendingPathComponent("parser.py").path)
        var next: [String] = []
        if !pluginExists { next.append("fix_parser {plugin: \"\(plugin)\", source: \"…parser.py…\"} to create the plugin") }
        next.append(
            "run_backtest {plugin: \"\(plugin)\", scope_id: \"\(discovery.scopeID ?? "SCOPE_ID")\"} to test the parser against the contract"
        )
        return try ToolReply(
            encoding: ApprovedContract(
                contractId: c.id, version: c.version, plugin: c.plugin,
                contractFile: outcome.contractFile, schemas: c.schemas),
            extra: [
                "contract_uri": .string(ResourceCatalog.contractPrefix + c.plugin),
                "excluded_skipped": try JSONValue.from(outcome.excludedSkipped),
            ],
            summary: "contract \(c.id) v\(c.version) locked for \(plugin): \(tables)"
                + (outcome.excludedSkippedText.map { "; " + $0 } ?? ""), next: next)
    }

    struct ApprovedContract: Encodable {
        var contractId: String
        var version: Int
        var plugin: String
        var contractFile: String
        var schemas: [LockedSchema]
    }

    /// `{"a": "b"}` → `["a=b"]`, each value a string (or a number or boolean, written as text).
    static func strings(_ object: [String: Value]?, joiner: String, name: String) throws -> [String] {
        try (object ?? [:]).sorted { $0.key < $1.key }.map { key, value in
            switch value {
            case .string(let s): return key + joiner + s
            case .bool(let b): return key + joiner + String(b)
            case .int(let i): return key + joiner + String(i)
            case .double(let d): return key + joiner + String(d)
            default:
                throw CasparianError(.usage, "\(name).\(key) must be a string", hint: "e.g. {\"\(key)\": \"date:%Y-%m-%d\"}")
            }
        }
    }
}
