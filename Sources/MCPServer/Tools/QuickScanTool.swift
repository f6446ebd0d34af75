import Foundation
import MCP
import Workspace

/// `quick_scan`: what is in a folder, from metadata only.
enum QuickScanTool {
    static let listCap = 20

    static let spec = ToolSpec(
        name: "quick_scan", title: "Quick scan of a folder",
        description: """
            Summarise a folder from file metadata only (no contents read): file count, bytes, counts and bytes by \
            extension and by top-level folder, size buckets, largest files. Use it first on a folder the user \
            mentions, to decide what to scope. Hidden entries, .git and node_modules are skipped. \
            Example: {"path": "data"}
            """,
        input: JSONSchema.object(
            [
                "path": JSONSchema.string("Folder to scan, absolute or relative to the first root.", minLength: 1),
                "top": JSONSchema.integer("How many largest files to list (default 10).", minimum: 0, maximum: 50),
                "wait_seconds": JSONSchema.integer(
                    "Seconds the scan may take before it answers with partial figures (default: the server's --wait).",
                    minimum: 1, maximum: 600),
            ], required: ["path"]),
        output: JSONSchema.output(
            [
                "root": JSONSchema.string(),
                "file_count": JSONSchema.integer(),
                "bytes": JSONSchema.integer(),
                "by_extension": JSONSchema.array(group, description: "Most files first, capped."),
                "by_folder": JSONSchema.array(group, description: "Most bytes first, capped."),
                "by_size": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "label": JSONSchema.string(), "files": JSONSchema.integer(), "bytes": JSONSchema.integer(),
                            "min_bytes": JSONSchema.integer(), "max_bytes": JSONSchema.nullable(JSONSchema.integer()),
                        ], required: ["label", "files", "bytes"], closed: false)),
                "largest_files": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "path": JSONSchema.string(), "size": JSONSchema.integer(), "modified": JSONSchema.string(),
                        ], required: ["path", "size"], closed: false)),
                "extensions_total": JSONSchema.integer("Distinct extensions (by_extension may list fewer)."),
                "folders_total": JSONSchema.integer("Distinct top-level folders (by_folder may list fewer)."),
                "unreadable": JSONSchema.array(
                    JSONSchema.object(
                        ["path": JSONSchema.string(), "error": JSONSchema.string()],
                        required: ["path", "error"], closed: false)),
                "truncated": JSONSchema.boolean("True when the scan stopped at its entry cap or its time limit."),
                "timed_out": JSONSchema.boolean(
                    "True when the scan stopped at its time limit (wait_seconds, default the server's --wait)."),
                "duration_ms": JSONSchema.integer(),
            ], required: ["root", "file_count", "bytes", "by_extension", "by_folder", "largest_files", "truncated"]),
        annotations: ToolSpec.readOnly,
        run: run)

    static var group: Value {
        JSONSchema.object(
            ["name": JSONSchema.string(), "files": JSONSchema.integer(), "bytes": JSONSchema.integer()],
            required: ["name", "files", "bytes"], closed: false)
    }

    static func run(_ call: ToolCall) async throws -> ToolReply {
        let root = try call.environment.paths.resolve(try call.required("path"))
        let budget = call.int("wait_seconds").map { Duration.seconds($0) } ?? call.environment.configuration.waitBudget
        let options = WalkOptions(maxEntries: 2_000_000, deadline: .now + budget)
        let report = try QuickScan(root: root, options: options, top: call.int("top") ?? 10).run()
        let top = report.byExtension.prefix(3).map { "\($0.files) .\($0.name)" }.joined(separator: ", ")
        var fields: [String: Value] = [
            "root": .string(report.root), "file_count": .int(report.fileCount), "bytes": .int(Int(report.bytes)),
            "by_extension": try JSONValue.from(Array(report.byExtension.prefix(listCap))),
            "by_folder": try JSONValue.from(Array(report.byFolder.prefix(listCap))),
            "by_size": try JSONValue.from(report.bySize),
            "largest_files": try JSONValue.from(report.largest),
            "extensions_total": .int(report.byExtension.count), "folders_total": .int(report.byFolder.count),
            "unreadable": try JSONValue.from(Array(report.unreadable.prefix(listCap))),
            "truncated": .bool(report.truncated), "timed_out": .bool(report.walk.timedOut), "duration_ms": .int(report.durationMs),
        ]
        if report.fileCount == 0 { fields["by_extension"] = .array([]) }
        let summary =
            "\(report.fileCount) files, \(report.bytes) bytes under \(report.root)" + (top.isEmpty ? "" : " (mostly \(top))")
            + (report.walk.timedOut
                ? "; stopped after \(budget.components.seconds)s, figures are partial (quick_scan a subfolder, or a larger wait_seconds)"
                : report.truncated ? "; stopped at the entry cap, figures are partial" : "")
        return ToolReply(
            fields, summary: summary,
            next: [
                "apply_scope {name, path: \"\(report.root)\", include: [\"**/*.\(report.byExtension.first?.name ?? "csv")\"]} to name the files to work on"
            ])
    }
}
