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
            plugins/<plugin>/contract.json. `answers` settle open questions \
            ({"order_date": "date:%m/%d/%Y"}); when some are left and the client shows forms (elicitation), the \
            server asks the user them in a form, and a declined form locks nothing; `overrides` change locked fields ({"amount.nullable": "true", \
            "sales.mode": "strict"}). A single-output discovery becomes the plugin's default output, named after the \
            plugin. A plugin name that does not exist is refused with the closest existing names, except after a \
            discovery of the built-in reader, which creates the plugin (unless the name is close to an existing \
            one: then send new_plugin: true to mean it). A discovery of the built-in reader also writes the plugin's parser.py when it has none (the \
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
                "new_plugin": JSONSchema.boolean(
                    "True to create a plugin of a new name when the server would take it for a misspelling (a plugin of a "
                        + "close name exists, or the discovery ran another plugin)."),
                "exclude_files": JSONSchema.array(
                    JSONSchema.string(minLength: 1), description: "Files the contract leaves out.", maxItems: 1000),
            ], required: ["discovery_id"]),
        output: JSONSchema.output(
            [
                "contract_id": JSONSchema.string(),
                "version": JSONSchema.integer(),
                "approved_by": JSONSchema.string("Who approved, and who answered the open questions."),
                "columns_truncated": JSONSchema.boolean(
                    "True when a wide contract's columns are listed in short (the contract_uri resource has them all)."),
                "answered_by": JSONSchema.string("Set when the person answered open questions in the client's form."),
                "answers": JSONSchema.object(
                    [:], closed: false, description: "The answers the person gave in the form: COLUMN → TYPE[:FORMAT]."),
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
        try PluginNameGuard.check(
            plugin, discovery: discovery, pluginsDirectory: env.pluginsDirectory, confirmedNew: call.bool("new_plugin") == true)
        var answers = try strings(call.object("answers"), joiner: "=", name: "answers")
        let overrides = try strings(call.object("overrides"), joiner: "=", name: "overrides")
        var request = try MCPWording.rewording {
            try env.workspace.approvalRequest(
                discoveryID: discoveryID, plugin: plugin, answers: answers, overrides: overrides,
                excludedFiles: call.strings("exclude_files") ?? [], approvedBy: "mcp")
        }
        // Questions nobody answered go to the person through the client when it shows forms.
        let questions = ApprovalQuestions(discovery: discovery.result, request: request)
        var asked: [String] = []
        if !questions.isEmpty {
            guard let channel = call.elicitation else {
                throw questions.stillOpen(reason: "approve_schema needs an answer for every open question")
            }
            asked = try await questions.ask(through: channel, plugin: plugin, discoveryID: discoveryID)
            answers += asked
            request = try MCPWording.rewording {
                try env.workspace.approvalRequest(
                    discoveryID: discoveryID, plugin: plugin, answers: answers, overrides: overrides,
                    excludedFiles: call.strings("exclude_files") ?? [],
                    approvedBy: "mcp; \(asked.count) answer\(asked.count == 1 ? "" : "s") from the person through \(channel.clientName)")
            }
        }
        let outcome = try MCPWording.rewording { () throws -> ApprovalOutcome in
            do {
                return try env.workspace.approve(discoveryID: discoveryID, request: request, pluginsDirectory: env.pluginsDirectory)
            } catch let e as CasparianError where e.kind == .conflict && e.message.contains("already has contract") {
                guard let current = try? env.workspace.contract(plugin: plugin) else { throw e }
                throw CasparianError(
                    .conflict, "plugin \(plugin) already has contract \(current.id) version \(current.version)",
                    hint: "change it with propose_amendment {contract_id: \"\(current.id)\", changes: [...]} (or from_run_id: a "
                        + "backtest's run_id), or lock this discovery as another plugin: approve_schema {discovery_id: "
                        + "\"\(discoveryID)\", plugin: \"NEW_NAME\", new_plugin: true}")
            }
        }
        let c = outcome.contract
        let tables = c.schemas.map { "\($0.output) (\($0.columns.count) columns)" }.joined(separator: ", ")
        let pluginExists = FileManager.default.fileExists(
            atPath: env.pluginsDirectory.appendingPathComponent(plugin).appendingPathComponent("parser.py").path)
        var next: [String] = []
        if !pluginExists { next.append("fix_parser {plugin: \"\(plugin)\", source: \"…parser.py…\"} to create the plugin") }
        let scope = discovery.scopeID.map { ", scope_id: \"\($0)\"" } ?? ", scope_id: (the scope to test; apply_scope gives one)"
        next.append("run_backtest {plugin: \"\(plugin)\"\(scope)} to test the parser against the contract")
        var extra: [String: Value] = [
            "contract_uri": .string(ResourceCatalog.contractPrefix + c.plugin),
            "excluded_skipped": try JSONValue.from(outcome.excludedSkipped),
        ]
        if !asked.isEmpty {
            extra["answered_by"] = .string("the person, through \(call.elicitation?.clientName ?? "the client") (elicitation)")
            extra["answers"] = .object(
                Dictionary(
                    uniqueKeysWithValues: asked.map { a -> (String, Value) in
                        let eq = a.firstIndex(of: "=")!
                        return (String(a[..<eq]), Value.string(String(a[a.index(after: eq)...])))
                    }))
        }
        var reply = try ToolReply(
            encoding: ApprovedContract(
                contractId: c.id, version: c.version, plugin: c.plugin, approvedBy: c.approvedBy,
                contractFile: outcome.contractFile, schemas: c.schemas),
            extra: extra,
            summary: "contract \(c.id) v\(c.version) locked for \(plugin): \(tables)"
                + (outcome.excludedSkippedText.map { "; " + $0 } ?? "")
                + (asked.isEmpty ? "" : "; \(asked.count) question\(asked.count == 1 ? "" : "s") answered by the person in the client"),
            next: next)
        try fitToBudget(&reply, schemas: c.schemas)
        return reply
    }

    /// Characters of structured content at most; the whole contract is the `contract_uri` resource.
    static let sizeBudget = 18_000

    /// A wide contract's answer lists each output's first columns with
    /// their type only (`columns_truncated`, `column_count`); the resource
    /// has every column with every field.
    static func fitToBudget(_ reply: inout ToolReply, schemas: [LockedSchema]) throws {
        guard JSONValue.text(reply.structured).count > sizeBudget else { return }
        var cap = 200
        repeat {
            reply.fields["schemas"] = .array(
                schemas.map { s in
                    .object([
                        "output": .string(s.output), "mode": .string(s.mode.rawValue), "column_count": .int(s.columns.count),
                        "columns": .array(
                            s.columns.prefix(cap).map { c in
                                .object(["name": .string(c.outputName), "type": .string(c.type.rawValue), "nullable": .bool(c.nullable)])
                            }),
                    ])
                })
            reply.fields["columns_truncated"] = true
            cap /= 2
        } while JSONValue.text(reply.structured).count > sizeBudget && cap >= 5
    }

    struct ApprovedContract: Encodable {
        var contractId: String
        var version: Int
        var plugin: String
        var approvedBy: String
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
