import CasparianCore
import Catalog
import Contracts
import Foundation
import MCP
import Workspace

/// `propose_amendment` and `approve_amendment`: change a locked contract through a reviewed proposal.
enum AmendmentTools {
    static let changeSchema = SchemaChangeShape.schema

    static let propose = ToolSpec(
        name: "propose_amendment", title: "Propose a contract amendment",
        description: """
            Propose changes to a locked contract when the data legitimately changed (a new column, a nullable column, \
            a wider type): either explicit `changes`, or `from_run_id` to derive them from a backtest's violations. \
            The proposal waits for approve_amendment; nothing changes yet. \
            Example: {"contract_id": "ctr_…", "from_run_id": "run_…"} or {"contract_id": "ctr_…", "changes": \
            [{"op": "set_nullable", "column": "amount", "nullable": true}], "reason": "N/A in exports since May"}
            """,
        input: JSONSchema.object(
            [
                "contract_id": JSONSchema.string("From approve_schema.", minLength: 1),
                "changes": JSONSchema.array(changeSchema, maxItems: 100),
                "from_run_id": JSONSchema.string("A finished backtest run whose violations suggest the changes.", minLength: 1),
                "output": JSONSchema.string(
                    "Which output of the contract the changes apply to (default: its only output, or the one named after the plugin).",
                    minLength: 1),
                "reason": JSONSchema.string("Why the data changed.", maxLength: 2000),
            ], required: ["contract_id"]),
        output: JSONSchema.output(
            [
                "amendment_id": JSONSchema.nullable(JSONSchema.string("The first proposal (null when the evidence suggests no change).")),
                "contract_id": JSONSchema.string(),
                "base_version": JSONSchema.integer(),
                "changes": JSONSchema.array(JSONSchema.string(), description: "The proposed changes, readable."),
                "amendments": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "amendment_id": JSONSchema.string(), "output": JSONSchema.string(),
                            "changes": JSONSchema.array(JSONSchema.string()), "affected_files": JSONSchema.integer(),
                            "sample_files": JSONSchema.array(JSONSchema.string()), "reason": JSONSchema.string(),
                        ], required: ["amendment_id", "output", "changes", "affected_files"], closed: false)),
                "affected_files": JSONSchema.integer(),
            ], required: ["amendment_id", "contract_id", "changes", "amendments"]),
        annotations: ToolSpec.additive,
        run: runPropose)

    static let approve = ToolSpec(
        name: "approve_amendment", title: "Decide a contract amendment",
        description: """
            Decide a proposed amendment: approve (apply as proposed), approve_with_changes (apply `changes` instead), \
            reject, split (the affected files' rows go to a separate output `split_output`), or exclude_files (leave \
            the affected files out). Approving writes the contract's next version and contract.json. \
            Example: {"amendment_id": "amd_…", "action": "approve"}
            """,
        input: JSONSchema.object(
            [
                "amendment_id": JSONSchema.string("From propose_amendment.", minLength: 1),
                "action": JSONSchema.string(oneOf: AmendmentAction.allCases.map(\.rawValue)),
                "changes": JSONSchema.array(changeSchema, description: "For approve_with_changes.", maxItems: 100),
                "split_output": JSONSchema.string("For split: the new output's name.", minLength: 1),
                "note": JSONSchema.string(maxLength: 2000),
            ], required: ["amendment_id", "action"]),
        output: JSONSchema.output(
            [
                "amendment_id": JSONSchema.string(),
                "status": JSONSchema.string(),
                "contract_id": JSONSchema.string(),
                "version": JSONSchema.integer("The contract's version after the decision."),
                "contract_file": JSONSchema.nullable(JSONSchema.string()),
            ], required: ["amendment_id", "contract_id", "version"]),
        annotations: ToolSpec.additive,
        run: runApprove)

    static func contract(_ id: String, _ env: ServerEnvironment) throws -> SchemaContract {
        do {
            return try env.workspace.contract(id: id)
        } catch let e as CasparianError where e.kind == .notFound {
            throw CasparianError(.notFound, e.message, hint: "approve_schema returns contract_id; approve a discovery first")
        }
    }

    static func changes(_ value: Value?, argument: String) throws -> [SchemaChange]? {
        guard let value else { return nil }
        let examples =
            "e.g. [{\"op\": \"set_nullable\", \"column\": \"amount\", \"nullable\": true}] or [{\"op\": \"change_type\", \"column\": \"id\", \"type\": \"int64\"}]"
        let problems = SchemaChangeShape.problems(in: value, argument: argument)
        guard problems.isEmpty else {
            throw CasparianError(.usage, "\(argument) is not a list of schema changes: " + problems.joined(separator: "; "), hint: examples)
        }
        do {
            return try JSONDecoder().decode([SchemaChange].self, from: Data(JSONValue.text(value).utf8))
        } catch {
            // The shape check above should have caught it; never pass the decoder's own text on.
            throw CasparianError(.usage, "\(argument) is not a list of schema changes", hint: examples)
        }
    }

    static func runPropose(_ call: ToolCall) async throws -> ToolReply {
        let env = call.environment
        let c = try contract(try call.required("contract_id"), env)
        let explicit = try changes(call.arguments["changes"], argument: "changes")
        let runID = call.string("from_run_id")
        guard (explicit == nil) != (runID == nil) else {
            throw CasparianError(
                .usage, "send either changes or from_run_id (exactly one)",
                hint: "from_run_id: a backtest's run_id; changes: [{\"op\": …, \"column\": …}]")
        }
        var amendments: [Amendment]
        if let explicit {
            let output = try env.workspace.amendmentOutput(call.string("output"), plugin: c.plugin)
            let proposal = AmendmentProposal(output: output, changes: explicit, reason: call.string("reason") ?? "proposed over MCP")
            amendments = [try env.workspace.proposeAmendment(plugin: c.plugin, proposal: proposal)]
        } else {
            amendments = try env.workspace.proposeAmendments(
                plugin: c.plugin, evidence: try env.workspace.violationSummary(backtestRun: runID!))
        }
        let items: [Value] = amendments.map { a in
            .object([
                "amendment_id": .string(a.id), "output": .string(a.proposal.output),
                "changes": .array(a.proposal.changes.map { .string($0.summary) }),
                "affected_files": .int(a.proposal.affectedFiles.count),
                "sample_files": .array(a.proposal.affectedFiles.prefix(10).map { .string($0) }), "reason": .string(a.proposal.reason),
            ])
        }
        let all = amendments.flatMap { $0.proposal.changes.map(\.summary) }
        let affected = amendments.reduce(0) { $0 + $1.proposal.affectedFiles.count }
        let summary =
            amendments.isEmpty
            ? "the violations suggest no contract change (fix the parser instead)"
            : "\(amendments.count) proposal\(amendments.count == 1 ? "" : "s") for contract \(c.id) v\(c.version): \(all.joined(separator: "; "))"
        var next: [String] = amendments.map { a -> String in
            "approve_amendment {amendment_id: \"" + a.id + "\", action: \"approve\"} (or reject, split, exclude_files)"
        }
        if amendments.isEmpty { next.append("fix_parser {plugin: \"" + c.plugin + "\", source}") }
        return ToolReply(
            [
                "amendment_id": amendments.first.map { .string($0.id) } ?? .null, "contract_id": .string(c.id),
                "base_version": .int(c.version),
                "changes": .array(all.map { .string($0) }), "amendments": .array(items), "affected_files": .int(affected),
            ], summary: summary, next: next)
    }

    static func runApprove(_ call: ToolCall) async throws -> ToolReply {
        let env = call.environment
        let id = try call.required("amendment_id")
        guard let action = AmendmentAction(rawValue: try call.required("action")) else {
            throw CasparianError(
                .usage, "unknown action", hint: "one of \(AmendmentAction.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let decision = AmendmentDecision(
            action: action, changes: try changes(call.arguments["changes"], argument: "changes"),
            splitOutput: call.string("split_output"), decidedBy: "mcp", note: call.string("note"))
        let (amendment, contract, file) = try env.workspace.decideAmendment(
            id: id, decision: decision, pluginsDirectory: env.pluginsDirectory)
        let current = try contract ?? env.workspace.contract(plugin: amendment.plugin)
        return ToolReply(
            [
                "amendment_id": .string(id), "status": .string(amendment.status.rawValue), "contract_id": .string(current.id),
                "version": .int(current.version), "contract_file": file.map { .string($0) } ?? .null,
            ], summary: "amendment \(id) \(amendment.status.rawValue); contract \(current.id) is at version \(current.version)",
            next: [
                "run_backtest {plugin: \"\(amendment.plugin)\", scope_id\(current.scope.map { ": \"\($0)\"" } ?? "")} to test against the new version"
            ])
    }
}
