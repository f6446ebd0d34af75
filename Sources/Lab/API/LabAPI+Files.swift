import CasparianCore
import Catalog
import Foundation
import Workspace

extension LabAPI {
    /// The workspace, its plugins (with their contract) and scopes.
    @Sendable static func overview(_ call: LabCall) async throws -> Any {
        let env = call.environment
        let ws = env.workspace
        let plugins = ((try? PluginDirectory.list(in: env.pluginsDirectory)) ?? []).map { p -> [String: Any] in
            let contract = try? ws.boundContract(for: p)
            return [
                "name": p.name, "version": p.version, "pattern": p.pattern ?? NSNull(), "summary": p.summary ?? NSNull(),
                "contract_version": contract.map { $0.version } ?? NSNull(),
            ]
        }
        return [
            "workspace": ws.root.path, "plugins_directory": env.pluginsDirectory.path, "plugins": plugins,
            "scopes": try LabJSON.value(try ws.scopes()),
        ]
    }

    /// The files (of a scope, with a tag, in a status, under a plugin) with their format, tags and last result per plugin.
    @Sendable static func files(_ call: LabCall) async throws -> Any {
        let ws = call.environment.workspace
        var status: FileStatusFilter?
        if let s = call.string("status") {
            guard let f = FileStatusFilter(rawValue: s) else {
                throw CasparianError(
                    .usage, "status \(s) is not one of \(FileStatusFilter.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = f
        }
        let views = try ws.files(scope: call.string("scope"), tag: call.string("tag"), status: status, plugin: call.string("plugin"))
        let formatted = 500
        return [
            "files": try views.enumerated().map { i, v -> Any in
                var o = try LabJSON.value(v) as? [String: Any] ?? [:]
                o["format"] = i < formatted ? format(of: v.path) : NSNull()
                return o
            }
        ]
    }

    /// The format of a file from its first bytes (`casparian analyze`), nil when unreadable.
    static func format(of path: String) -> Any {
        (try? FormatReport.analyze(paths: [path], prefix: 4096).files.first?.analysis.label) ?? NSNull()
    }

    /// One file: its text (or a hex view), and with `plugin` the rows the
    /// plugin makes of it, each linked to its source line, or its failure.
    @Sendable static func file(_ call: LabCall) async throws -> Any {
        let env = call.environment
        let path = try call.required("path")
        guard let view = try env.workspace.files().first(where: { $0.path == path }) else {
            throw CasparianError(
                .notFound, "no file \(path) in this workspace's scopes", hint: "pick a file from the Files view (scopes list their files)")
        }
        let source = try SourceView.read(path: path)
        var answer: [String: Any] = [
            "path": path, "size": view.size, "tags": view.tags, "format": format(of: path),
            "results": try LabJSON.value(view.results), "source": source.json,
        ]
        guard let name = call.string("plugin") else { return answer }
        let plugin = try env.plugin(name)
        let preview = try await FilePreview.run(file: URL(fileURLWithPath: path), plugin: plugin, pool: env.pool, limit: 500)
        answer["plugin"] = name
        answer["parser_version"] = plugin.version
        answer["outputs"] = preview.batches.map { b -> [String: Any] in
            let rows = (0..<b.rowCount).map { r in b.columns.map { $0[r].text as Any? ?? NSNull() } }
            let texts = (0..<b.rowCount).map { r in b.columns.map { $0[r].text } }
            return [
                "name": b.output, "columns": b.columnNames, "rows": rows, "rows_total": preview.rows[b.output] ?? b.rowCount,
                "source_lines": source.isText ? SourceLink.lines(for: texts, in: source.lines).map { $0 as Any? ?? NSNull() } : [],
            ]
        }
        answer["logs"] = preview.logs.map { ["level": $0.level, "message": $0.message] }
        if let f = preview.failure {
            var failure = try LabJSON.value(f) as? [String: Any] ?? [:]
            failure["summary"] = f.summary
            answer["failure"] = failure
            answer["parser_source"] = (try? String(contentsOf: plugin.parserURL, encoding: .utf8)) ?? NSNull()
        }
        return answer
    }

    /// Creates a scope, or refreshes it when one of that name exists with the same definition.
    @Sendable static func applyScope(_ call: LabCall) async throws -> Any {
        let ws = call.environment.workspace
        let root = try call.required("root")
        let rootURL = URL(fileURLWithPath: root, relativeTo: ws.root).standardizedFileURL
        let definition = ScopeDefinition(
            name: try call.required("name"), root: rootURL.path, include: call.strings("include"), exclude: call.strings("exclude"))
        let (report, refreshed) = try ws.applyScope(definition, requireFiles: true)
        return ["scope": try LabJSON.value(report.scope), "refreshed": refreshed]
    }
}
