import CasparianCore
import Foundation
import MCP

/// Reports and contracts as MCP resources, so a tool result can carry an id
/// and the full payload stays one `resources/read` away.
enum ResourceCatalog {
    static let runPrefix = "casparian://runs/"

    static let templates: [Resource.Template] = [
        Resource.Template(uriTemplate: runPrefix + "{run_id}", name: "run",
                          description: "The full result of a backtest, fix or execute run (JSON).", mimeType: "application/json"),
    ]

    static func list(_ env: ServerEnvironment) throws -> [Resource] {
        try env.workspace.catalog.recentRuns(limit: 50).map { r in
            Resource(name: "\(r.kind) \(r.plugin) \(r.id)", uri: runPrefix + r.id,
                     description: "\(r.kind) of \(r.plugin), \(r.status.rawValue), started \(r.startedAt)", mimeType: "application/json")
        }
    }

    static func read(_ uri: String, _ env: ServerEnvironment) throws -> Resource.Content {
        if uri.hasPrefix(runPrefix) {
            let id = String(uri.dropFirst(runPrefix.count))
            let r = try env.workspace.catalog.run(id: id)
            var o: [String: Value] = ["run_id": .string(r.id), "kind": .string(r.kind), "plugin": .string(r.plugin),
                                      "status": .string(r.status.rawValue), "started_at": .string(r.startedAt)]
            if let f = r.finishedAt { o["finished_at"] = .string(f) }
            if let p = r.progressJSON.flatMap(JSONValue.parse) { o["progress"] = p }
            if let res = r.resultJSON.flatMap(JSONValue.parse) { o["report"] = res }
            if let reply = try env.workspace.catalog.runReply(id: id).flatMap(JSONValue.parse) { o["reply"] = reply }
            return .text(JSONValue.text(.object(o)), uri: uri, mimeType: "application/json")
        }
        throw MCPError.invalidParams("unknown resource \(uri); resources look like \(runPrefix)RUN_ID")
    }
}
