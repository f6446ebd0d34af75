import CasparianCore
import Contracts
import Foundation
import Inference
import MCP
import Workspace

/// Reports and contracts as MCP resources, so a tool result can carry an id
/// and the full payload stays one `resources/read` away.
enum ResourceCatalog {
    static let runPrefix = "casparian://runs/"
    static let discoveryPrefix = "casparian://discoveries/"
    static let contractPrefix = "casparian://contracts/"

    static let templates: [Resource.Template] = [
        Resource.Template(
            uriTemplate: runPrefix + "{run_id}", name: "run",
            description:
                "The full result of a backtest, fix or execute run (JSON); a run over many files in pages of its per-file results.",
            mimeType: "application/json"),
        Resource.Template(
            uriTemplate: discoveryPrefix + "{discovery_id}", name: "discovery",
            description:
                "A discovery with every column's evidence (JSON). A wide one comes in pages of about 60,000 characters: "
                + "page, pages and next_uri (…?page=2) say how to read on.",
            mimeType: "application/json"),
        Resource.Template(
            uriTemplate: contractPrefix + "{plugin}", name: "contract",
            description: "A plugin's latest locked contract (JSON); a wide one in pages (page, pages, next_uri).",
            mimeType: "application/json"),
    ]

    static func list(_ env: ServerEnvironment) throws -> [Resource] {
        try env.workspace.recentJobs(limit: 50).map { r in
            Resource(
                name: "\(r.kind) \(r.plugin) \(r.id)", uri: runPrefix + r.id,
                description: "\(r.kind) of \(r.plugin), \(r.status.rawValue), started \(r.startedAt)", mimeType: "application/json")
        }
    }

    static func read(_ uri: String, _ env: ServerEnvironment) throws -> Resource.Content {
        if uri.hasPrefix(runPrefix) {
            let (id, page) = try ResourcePages.parse(String(uri.dropFirst(runPrefix.count)))
            let detail = try env.workspace.jobDetail(id: id)
            let r = detail.summary
            var o: [String: Value] = [
                "run_id": .string(r.id), "kind": .string(r.kind.rawValue), "plugin": .string(r.plugin),
                "status": .string(r.status.rawValue), "started_at": .string(r.startedAt),
            ]
            if let scope = r.scopeID { o["scope_id"] = .string(scope) }
            if let f = r.finishedAt { o["finished_at"] = .string(f) }
            if let p = r.progress { o["progress"] = try JSONValue.from(p) }
            if let res = detail.resultJSON.flatMap(JSONValue.parse) { o["report"] = res }
            if let reply = detail.replyJSON.flatMap(JSONValue.parse) { o["reply"] = reply }
            return .text(try RunPages(o).page(page, uri: runPrefix + id), uri: uri, mimeType: "application/json")
        }
        if uri.hasPrefix(discoveryPrefix) {
            let (id, page) = try ResourcePages.parse(String(uri.dropFirst(discoveryPrefix.count)))
            let pages = try DiscoveryPages(try env.workspace.discovery(id: id))
            return .text(try pages.page(page, uri: discoveryPrefix + id), uri: uri, mimeType: "application/json")
        }
        if uri.hasPrefix(contractPrefix) {
            let (plugin, page) = try ResourcePages.parse(String(uri.dropFirst(contractPrefix.count)))
            let pages = try ContractPages(try env.workspace.contract(plugin: plugin))
            return .text(try pages.page(page, uri: contractPrefix + plugin), uri: uri, mimeType: "application/json")
        }
        throw MCPError.invalidParams(
            "unknown resource \(uri); resources look like \(runPrefix)RUN_ID, \(discoveryPrefix)ID or \(contractPrefix)PLUGIN")
    }
}
