import CasparianCore
import Catalog
import Foundation
import Inference
import MCP
import Workspace

/// `discover_schemas`: run a parser over a scope and prove the column types.
enum DiscoverTool {
    /// Characters of structured content at most; the full discovery is a resource.
    static let sizeBudget = 18_000

    static let spec = ToolSpec(
        name: "discover_schemas", title: "Discover and prove column types",
        description: """
            Run a parser over the files of a scope and prove each column's type from every value seen (the built-in \
            csv plugin by default; or a plugin in the plugins folder). Returns a discovery_id, the outputs with their \
            columns (the same JSON as the command line's discover --json), and the open questions (ambiguous or \
            contradictory columns) that approve_schema's `answers` settle. The built-in reader gives one output per \
            family of files with the same columns (file_count, files), and lists files in other formats (skipped) and \
            broken CSV structure; a column settled without a question (nothing in the data decides, and the choice \
            loses nothing) carries a `note` naming the alternative. A discovery is a run: long ones return a \
            run_id to poll with get_run_status. \
            Example: {"scope_id": "scp_…"} or {"scope_id": "scp_…", "plugin": "sales"}
            """,
        input: JSONSchema.object(
            [
                "scope_id": JSONSchema.string("The scope from apply_scope (id or name).", minLength: 1),
                "plugin": JSONSchema.string(
                    "A plugin name in the plugins folder, or \"csv\" (default) for the built-in CSV/TSV reader.", minLength: 1),
                "sample": JSONSchema.boolean("Read a sample of a large scope instead of every file (default false)."),
                "wait_seconds": LongRun.waitArgument,
            ], required: ["scope_id"]),
        output: JSONSchema.output(
            [
                "run_id": JSONSchema.string("The discovery's run (a job: get_run_status, cancel_run)."),
                "status": JSONSchema.string("running (poll get_run_status) or done.", oneOf: ["running", "done"]),
                "discovery_id": JSONSchema.string(),
                "parser": JSONSchema.string(),
                "files": JSONSchema.integer("Files the proof covers."),
                "rows": JSONSchema.integer(),
                "files_found": JSONSchema.integer(), "files_read": JSONSchema.integer(),
                "stopped_early": JSONSchema.boolean(),
                "files_truncated": JSONSchema.boolean(
                    "True when an output's files list was cut to its first 20 (file_count has them all)."),
                "outputs": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "name": JSONSchema.string(), "file_count": JSONSchema.integer(), "files": JSONSchema.array(JSONSchema.string()),
                            "columns": JSONSchema.array(
                                JSONSchema.object(
                                    [
                                        "name": JSONSchema.string(), "type": JSONSchema.string(), "nullable": JSONSchema.boolean(),
                                        "status": JSONSchema.string(oneOf: ["resolved", "ambiguous", "contradiction"]),
                                    ], required: ["name", "type", "nullable", "status"], closed: false)),
                        ], required: ["name", "columns"], closed: false)),
                "questions": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "output": JSONSchema.string(), "column": JSONSchema.string(), "question": JSONSchema.string(),
                            "candidates": JSONSchema.array(JSONSchema.string()),
                        ], required: ["output", "column", "question"], closed: false)),
                "failures": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "file": JSONSchema.string(), "category": JSONSchema.string(), "message": JSONSchema.string(),
                        ], required: ["file", "message"], closed: false), maxItems: 20),
                "failures_total": JSONSchema.integer(),
                "skipped": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "file": JSONSchema.string(), "format": JSONSchema.string(), "reason": JSONSchema.string(),
                        ], required: ["file", "format"], closed: false),
                    description: "Files in other formats the built-in reader did not read (capped at 20).",
                    maxItems: 20),
                "skipped_total": JSONSchema.integer(),
                "structure": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "file": JSONSchema.string(), "row": JSONSchema.integer("The 0-based data row where it starts."),
                            "line": JSONSchema.integer("The 1-based line where it starts."),
                            "byte_offset": JSONSchema.integer("The byte offset where it starts."),
                            "problem": JSONSchema.string(), "rows": JSONSchema.integer("Rows affected."),
                        ], required: ["file", "problem"], closed: false),
                    description:
                        "CSV files with broken structure — a quote never closed, ragged rows — with the line and byte offset where it starts and the rows affected (capped at 20).",
                    maxItems: 20),
                "structure_total": JSONSchema.integer(),
                "discovery_uri": JSONSchema.string("The full discovery (every column's evidence) as an MCP resource."),
                "evidence_omitted": JSONSchema.boolean("True when the evidence was left out to keep the answer small."),
                "columns_truncated": JSONSchema.boolean(
                    "True when only the first columns of each output are listed, or each output in short."),
                "outputs_truncated": JSONSchema.boolean("True when only the first outputs are listed (outputs_total has the count)."),
                "outputs_total": JSONSchema.integer(),
            ], required: ["run_id", "status"]),
        annotations: ToolSpec.additive,
        run: run)

    static func run(_ call: ToolCall) async throws -> ToolReply {
        let env = call.environment
        let scope = try env.scope(try call.required("scope_id"))
        let pluginName = call.string("plugin") ?? DiscoveryParser.builtinName
        let parser: DiscoveryParser =
            pluginName == DiscoveryParser.builtinName
            ? .builtinCSV : .plugin(try env.plugin(pluginName), env.pool.environment)
        let options = DiscoveryOptions(plan: call.bool("sample") == true ? SamplePlan() : nil, workers: env.configuration.workers)
        let run = try env.workspace.openDiscoveryRun(parser: parser, scopeID: scope.id)
        return try await LongRun.execute(call, run: run, what: "discovery of \(scope.definition.name) with \(pluginName)") { ctx in
            let found = try await env.workspace.discover(scope: scope, parser: parser, options: options, run: ctx.run, logger: env.logger) {
                stage, done, total in ctx.progress(done, of: total, stage.rawValue)
            }
            return try reply(found, runID: ctx.runID, scope: scope)
        }
    }

    /// The answer for a finished discovery, kept small enough for a model.
    static func reply(_ run: DiscoveryRun, runID: String, scope: StoredScope) throws -> ToolReply {
        guard let id = run.discoveryID else { throw CasparianError(.internal, "the discovery was not stored") }
        var questions: [Value] = []
        for o in run.result.outputs {
            for c in o.columns where c.status != .resolved || c.question != nil {
                questions.append(
                    .object([
                        "output": .string(o.name), "column": .string(c.name),
                        "question": .string(MCPWording.translate(c.question ?? "\(c.status.rawValue): which type is \(c.name)?")),
                        "candidates": .array(
                            c.candidates.map { cand in .string(cand.format.map { "\(cand.type.rawValue):\($0)" } ?? cand.type.rawValue) }),
                    ]))
            }
        }
        // Each output names its files; a long list is cut to the first 20 (the resource has them all).
        let outputs = run.result.outputs.map { o -> OutputInference in
            var o = o
            o.files = o.files.map { Array($0.prefix(20)) }
            return o
        }
        var fields: [String: Value] = [
            "run_id": .string(runID), "status": "done", "discovery_id": .string(id), "parser": .string(run.parser),
            "files": .int(run.result.files), "rows": .int(run.result.rows),
            "files_found": .int(run.filesFound), "files_read": .int(run.filesRead), "stopped_early": .bool(run.stoppedEarly),
            "outputs": try JSONValue.from(outputs), "questions": .array(questions),
            "files_truncated": .bool(run.result.outputs.contains { ($0.files?.count ?? 0) > 20 }),
            "failures": try JSONValue.from(Array(run.failures.prefix(20))), "failures_total": .int(run.failures.count),
            "skipped": .array(
                run.skipped.prefix(20).map { s in
                    .object(["file": .string(s.file), "format": .string(s.label), "reason": .string(s.evidence.joined(separator: "; "))])
                }),
            "skipped_total": .int(run.skipped.count),
            "structure": try JSONValue.from(Array(run.structure.prefix(20))), "structure_total": .int(run.structure.count),
        ]
        fields["discovery_uri"] = .string(ResourceCatalog.discoveryPrefix + id)
        // Keep the answer small enough for a model: drop the evidence first, then cap the columns listed.
        if JSONValue.text(.object(fields)).count > sizeBudget {
            fields["outputs"] = try JSONValue.from(
                outputs.map { o in
                    var o = o
                    o.columns = o.columns.map {
                        var c = $0
                        c.evidence = []
                        c.distribution = nil
                        return c
                    }
                    return o
                })
            fields["evidence_omitted"] = true
            var cap = 200
            while JSONValue.text(.object(fields)).count > sizeBudget, cap > 5 {
                cap /= 2
                fields["outputs"] = try JSONValue.from(
                    outputs.map { o in
                        var o = o
                        o.columns = o.columns.prefix(cap).map {
                            var c = $0
                            c.evidence = []
                            c.distribution = nil
                            return c
                        }
                        return o
                    })
                fields["columns_truncated"] = true
            }
            // Many outputs: each in short (its columns' name, type, nullability and status), then fewer outputs.
            var listed = outputs.count
            while JSONValue.text(.object(fields)).count > sizeBudget, listed > 1 {
                fields["outputs"] = .array(outputs.prefix(listed).map(compact))
                fields["columns_truncated"] = true
                if listed < outputs.count {
                    fields["outputs_truncated"] = true
                    fields["outputs_total"] = .int(outputs.count)
                }
                listed = JSONValue.text(.object(fields)).count > sizeBudget ? listed * 3 / 4 : listed
            }
        }
        let columns = run.result.outputs.reduce(0) { $0 + $1.columns.count }
        let settled = run.result.outputs.reduce(0) { $0 + $1.columns.filter { $0.note != nil }.count }
        let summary =
            "discovery \(id): \(run.result.outputs.count) output\(run.result.outputs.count == 1 ? "" : "s"), \(columns) columns from \(run.result.rows) rows in \(run.result.files) files; \(questions.count) open question\(questions.count == 1 ? "" : "s")"
            + (settled == 0 ? "" : "; \(settled) settled without a question (see each column's note)")
            + (run.failures.isEmpty ? "" : "; \(run.failures.count) files failed")
            + (run.skipped.isEmpty ? "" : "; \(run.skipped.count) files skipped (other formats: \(DiscoverySkip.counts(run.skipped)))")
            + (run.structure.isEmpty ? "" : "; \(run.structure.count) files with broken CSV structure (see structure)")
        return ToolReply(fields, summary: summary, next: nextActions(run, id: id, scope: scope, questions: questions))
    }

    /// An output in short: its name, first files and first 50 columns, without evidence or notes.
    static func compact(_ o: OutputInference) -> Value {
        .object([
            "name": .string(o.name), "file_count": .int(o.fileCount ?? o.files?.count ?? 0),
            "files": .array((o.files ?? []).prefix(3).map { .string($0) }), "column_count": .int(o.columns.count),
            "columns": .array(
                o.columns.prefix(50).map { c in
                    .object([
                        "name": .string(c.name), "type": .string(c.type.rawValue), "nullable": .bool(c.nullable),
                        "status": .string(c.status.rawValue),
                    ])
                }),
        ])
    }

    /// What to do next, with the ids known: approve only once the proof
    /// covers most of the scope (a contract locked from a quarter of the
    /// files is a guess about the rest); first look at the failures.
    static func nextActions(_ run: DiscoveryRun, id: String, scope: StoredScope, questions: [Value]) -> [String] {
        let plugin = run.parser == DiscoveryParser.builtinName ? PromptSpec.pluginName(forPath: scope.definition.name) : run.parser
        let answers = questions.compactMap { q -> String? in
            guard let o = q.objectValue, let column = o["column"]?.stringValue else { return nil }
            let first = o["candidates"]?.arrayValue?.first?.stringValue ?? "string"
            return "\"\(column)\": \"\(first)\""
        }
        let approve =
            "approve_schema {discovery_id: \"\(id)\", plugin: \"\(plugin)\""
            + (answers.isEmpty ? "}" : ", answers: {\(answers.joined(separator: ", "))}} (ask the user which reading is right first)")
        var next: [String] = []
        let attempted = run.result.files + run.failures.count
        if !run.failures.isEmpty, run.failures.count * 4 >= attempted {
            next.append(
                "\(run.failures.count) of \(attempted) files failed discovery (see failures): fix their cause or leave them out "
                    + "(apply_scope {name: \"\(scope.definition.name)\", path: \"\(scope.definition.root)\", exclude: [...]} under a new name, "
                    + "or discover_schemas {scope_id: \"\(scope.id)\", plugin} with a plugin that reads them) before approving")
            next.append(approve + " only once the failed files are understood: the contract would cover \(run.result.files) files")
        } else {
            next.append(approve + " to lock the schema as a contract")
        }
        return next
    }
}
