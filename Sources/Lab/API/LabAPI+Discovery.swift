import CasparianCore
import Catalog
import Contracts
import Foundation
import Workspace

extension LabAPI {
    /// The discoveries of this workspace, newest first (from their runs).
    @Sendable static func discoveries(_ call: LabCall) async throws -> Any {
        let ws = call.environment.workspace
        let runs = try ws.jobs(limit: 500).filter { $0.kind == .discover }
        let listed = try runs.prefix(50).map { job -> [String: Any] in
            let detail = try ws.jobDetail(id: job.id)
            let result = LabJSON.parse(detail.resultJSON) as? [String: Any] ?? [:]
            return [
                "run_id": job.id, "status": job.status.rawValue, "parser": job.plugin, "scope_id": job.scopeID ?? NSNull(),
                "started_at": job.startedAt, "discovery_id": result["discovery_id"] ?? NSNull(), "files": result["files"] ?? NSNull(),
                "rows": result["rows"] ?? NSNull(),
            ]
        }
        return ["discoveries": listed]
    }

    /// A stored discovery: per output its columns with type, format, nullability, evidence and open questions.
    @Sendable static func discovery(_ call: LabCall) async throws -> Any {
        let d = try call.environment.workspace.discovery(id: try call.required("id"))
        return [
            "id": d.id, "parser": d.plugin, "scope_id": LabJSON.orNull(d.scopeID),
            "created_at": ISO8601DateFormatter().string(from: d.createdAt),
            "approved_contract_id": d.approvedContractID ?? NSNull(), "result": try LabJSON.value(d.result),
        ]
    }

    /// Starts a discovery of a scope's files (the built-in reader, or a plugin) in the background.
    @Sendable static func discover(_ call: LabCall) async throws -> Any {
        let env = call.environment
        let scope = try env.workspace.resolveScope(try call.required("scope"))
        let name = call.string("plugin") ?? DiscoveryParser.builtinName
        let parser: DiscoveryParser =
            name == DiscoveryParser.builtinName ? .builtinCSV : .plugin(try env.plugin(name), env.workerEnvironment)
        let run = try env.workspace.openDiscoveryRun(parser: parser, scopeID: scope.id)
        env.runs.start(run.id) {
            _ = try await env.workspace.discover(scope: scope, parser: parser, run: run)
        }
        return ["run_id": run.id, "status": "running"]
    }

    /// Locks a discovery as a plugin's contract, with the answers chosen for its questions.
    @Sendable static func approve(_ call: LabCall) async throws -> Any {
        let env = call.environment
        let id = try call.required("discovery_id")
        let plugin = try call.required("plugin")
        let request = try env.workspace.approvalRequest(
            discoveryID: id, plugin: plugin, answers: call.strings("answers"), overrides: [], excludedFiles: [],
            approvedBy: call.string("by") ?? "lab")
        let outcome = try env.workspace.approve(
            discoveryID: id, request: request, pluginsDirectory: env.pluginsDirectory, replace: call.bool("replace") ?? false)
        return [
            "contract_id": outcome.contract.id, "plugin": outcome.contract.plugin, "version": outcome.contract.version,
            "contract_file": outcome.contractFile, "parser_written": LabJSON.orNull(outcome.parserWritten),
        ]
    }
}
