import CasparianCore
import Contracts
import Foundation
import Workspace

extension LabAPI {
    /// A plugin's contract: the latest version, every version with how it came to be, and its amendments.
    @Sendable static func contract(_ call: LabCall) async throws -> Any {
        let env = call.environment
        let plugin = try call.required("plugin")
        let current = try env.workspace.contract(plugin: plugin, version: try call.int("version"))
        return [
            "contract": try LabJSON.value(current),
            "history": try LabJSON.value(try env.workspace.contractHistory(plugin: plugin)),
            "amendments": try LabJSON.value(try env.workspace.amendments(plugin: plugin)),
        ]
    }

    /// What changed between two versions of a plugin's contract.
    @Sendable static func contractDiff(_ call: LabCall) async throws -> Any {
        let plugin = try call.required("plugin")
        guard let from = try call.int("from"), let to = try call.int("to") else {
            throw CasparianError(.usage, "missing parameter from or to", hint: "send the two versions to compare, e.g. from=1&to=2")
        }
        return try LabJSON.value(try call.environment.workspace.contractDiff(plugin: plugin, from: from, to: to))
    }

    /// Approves or rejects a proposed amendment.
    @Sendable static func decideAmendment(_ call: LabCall) async throws -> Any {
        let env = call.environment
        let id = try call.required("id")
        let decision = try call.required("decision")
        guard let action = AmendmentAction(rawValue: decision), action == .approve || action == .reject else {
            throw CasparianError(.usage, "decision \(decision) is not approve or reject", hint: "send decision: approve or reject")
        }
        let outcome = try env.workspace.decideAmendment(
            id: id, decision: AmendmentDecision(action: action, decidedBy: call.string("by") ?? "lab", note: call.string("note")),
            pluginsDirectory: env.pluginsDirectory)
        return [
            "amendment": try LabJSON.value(outcome.amendment),
            "contract_version": outcome.contract.map { $0.version } ?? NSNull(),
            "contract_file": LabJSON.orNull(outcome.contractFile),
        ]
    }
}
