import CasparianCore
import Catalog
import Foundation
import MCP
import Workspace

/// `apply_scope`: a named set of files to work on.
enum ApplyScopeTool {
    static let sampleCap = 10

    static let spec = ToolSpec(
        name: "apply_scope", title: "Name a set of files (scope)",
        description: """
            Create a named scope: the files under `path` that match `include` globs (relative to path; all files when \
            empty), minus `exclude` globs, optionally only files carrying one of `tags`. A definition that matches no \
            file is refused and creates nothing. Calling it again with the same \
            name and definition refreshes the scope. Returns the scope_id that discover_schemas, run_backtest and \
            execute_pipeline take. Example: {"name": "sales", "path": "sales/data", "include": ["**/*.csv"]}
            """,
        input: JSONSchema.object(
            [
                "name": JSONSchema.string("Scope name: letters, digits, -, _ or . (e.g. \"sales-2024\").", minLength: 1, maxLength: 64),
                "path": JSONSchema.string("Root folder of the scope, under an allowed root.", minLength: 1),
                "include": JSONSchema.array(
                    JSONSchema.string(minLength: 1), description: "Globs relative to path, or tag:NAME.", maxItems: 100),
                "exclude": JSONSchema.array(
                    JSONSchema.string(minLength: 1), description: "Globs relative to path, or tag:NAME.", maxItems: 100),
                "tags": JSONSchema.array(
                    JSONSchema.string(minLength: 1), description: "Only files carrying one of these tags.", maxItems: 50),
            ], required: ["name", "path"]),
        output: JSONSchema.output(
            [
                "scope_id": JSONSchema.string(),
                "name": JSONSchema.string(),
                "root": JSONSchema.string(),
                "file_count": JSONSchema.integer(),
                "bytes": JSONSchema.integer(),
                "sample_files": JSONSchema.array(JSONSchema.string(), description: "Up to 10 files, relative to root."),
                "refreshed": JSONSchema.boolean("True when an existing scope was refreshed."),
                "added": JSONSchema.integer(), "changed": JSONSchema.integer(), "removed": JSONSchema.integer(),
            ], required: ["scope_id", "file_count", "bytes", "sample_files"]),
        annotations: ToolSpec.additive,
        run: run)

    static func run(_ call: ToolCall) async throws -> ToolReply {
        let env = call.environment
        let name = try call.required("name")
        let root = try env.paths.resolve(try call.required("path"))
        let definition = ScopeDefinition(
            name: name, root: root.path, include: call.strings("include") ?? [],
            exclude: call.strings("exclude") ?? [], tags: call.strings("tags") ?? [])
        let applied: (report: ScopeReport, refreshed: Bool)
        do {
            applied = try env.workspace.applyScope(definition, requireFiles: true)
        } catch let e as CasparianError where e.kind == .notFound {
            throw CasparianError(
                e.kind, e.message,
                hint: (e.hint.map { $0 + "; " } ?? "") + "quick_scan {path: \"\(call.string("path") ?? "")\"} shows what the folder holds")
        }
        let (report, refreshed) = applied
        let scope = report.scope
        let prefix = scope.definition.root + "/"
        let sample = try env.workspace.scopeFiles(named: name).prefix(sampleCap).map {
            $0.path.hasPrefix(prefix) ? String($0.path.dropFirst(prefix.count)) : $0.path
        }
        let summary =
            "scope \(name) (\(scope.id)): \(scope.fileCount) files, \(scope.bytes) bytes"
            + (refreshed
                ? " (refreshed: +\(report.changes.added.count) ~\(report.changes.changed.count) -\(report.changes.removed.count))" : "")
        var next = ["discover_schemas {scope_id: \"\(scope.id)\"} to prove the column types"]
        if scope.fileCount == 0 {
            next = ["apply_scope again with a different path or include globs; quick_scan the folder to see what is there"]
        }
        return ToolReply(
            [
                "scope_id": .string(scope.id), "name": .string(name), "root": .string(scope.definition.root),
                "file_count": .int(scope.fileCount), "bytes": .int(Int(scope.bytes)),
                "sample_files": .array(sample.map { .string($0) }), "refreshed": .bool(refreshed),
                "added": .int(report.changes.added.count), "changed": .int(report.changes.changed.count),
                "removed": .int(report.changes.removed.count),
            ], summary: summary, next: next)
    }
}

extension ServerEnvironment {
    /// A scope by id or name, whose files must lie under this server's roots.
    func scope(_ idOrName: String) throws -> StoredScope {
        let scope = try workspace.resolveScope(idOrName)
        let files = try workspace.scopeFilePaths(scope)
        if let outside = files.first(where: { !paths.inside($0) }) {
            throw CasparianError(
                .usage, "scope \(scope.definition.name) holds \(outside), outside this server's roots",
                hint: "ask the person who runs this server to give it a root that covers \(scope.definition.root)")
        }
        return scope
    }
}
