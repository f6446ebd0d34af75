import CasparianCore
import Catalog
import MCP
import Workspace

#if canImport(Glibc)
    import Glibc
#endif

/// `get_run_status`: where a backtest, fix or execute run is, and its result when done.
enum RunStatusTool {
    static let spec = ToolSpec(
        name: "get_run_status", title: "Status of a run",
        description: """
            Poll a run that run_backtest, fix_parser or execute_pipeline returned while still running. \
            status is running, done, failed or cancelled; progress says how many files are done; when done, \
            `result` holds what the tool would have returned. Wait a few seconds between polls. \
            A run shared between machines (id crun_…, started with `casparian run --coordinator`) is read \
            from its coordinator: pass `coordinator` (its PostgreSQL URL); `nodes` then says what each \
            machine did. Example: {"run_id": "run_…"}
            """,
        input: JSONSchema.object(
            [
                "run_id": JSONSchema.string("The run_id a long tool returned.", minLength: 1),
                "coordinator": JSONSchema.string(
                    "For a run shared between machines (crun_…): the coordinator's PostgreSQL URL.", minLength: 1),
            ], required: ["run_id"]),
        output: JSONSchema.output(
            [
                "run_id": JSONSchema.string(),
                "kind": JSONSchema.string("backtest, fix or execute."),
                "plugin": JSONSchema.string(),
                "status": JSONSchema.string(oneOf: ["running", "done", "failed", "cancelled"]),
                "progress": JSONSchema.nullable(
                    JSONSchema.object(
                        [
                            "files_done": JSONSchema.integer(), "files_total": JSONSchema.integer(),
                        ], closed: false)),
                "started_at": JSONSchema.string(),
                "finished_at": JSONSchema.nullable(JSONSchema.string()),
                "result": JSONSchema.nullable(JSONSchema.object([:], closed: false)),
                "error": JSONSchema.nullable(JSONSchema.string()),
                "rows": JSONSchema.integer("Coordinated runs: rows written by every node."),
                "nodes": JSONSchema.array(
                    JSONSchema.object(
                        [
                            "node": JSONSchema.string(), "status": JSONSchema.string(), "files_done": JSONSchema.integer(),
                            "files_failed": JSONSchema.integer(), "rows": JSONSchema.integer(),
                            "seconds_since_heartbeat": JSONSchema.number(),
                        ], closed: false),
                    description: "Coordinated runs: each node's part (the first 20)."),
            ], required: ["run_id", "status"]),
        annotations: ToolSpec.readOnly,
        run: run)

    static func run(_ call: ToolCall) async throws -> ToolReply {
        let id = try call.required("run_id")
        if let url = call.string("coordinator") { return try coordinated(id, url: url) }
        if id.hasPrefix("crun_") {
            throw CasparianError(
                .usage, "\(id) is a run shared between machines: its state is in its coordinator",
                hint: "call get_run_status {run_id: \"\(id)\", coordinator: \"postgresql://…\"} with the coordinator's URL")
        }
        let env = call.environment
        let detail = try env.workspace.jobDetail(id: id)
        let record = detail.summary
        var status = record.status.rawValue
        // A run left `running` by a process that is gone will never finish.
        if record.status == .interrupted { status = "failed" }
        if status == "queued" { status = "running" }
        // The workspace records the run's end before this server has made
        // the tool's answer from it: until that answer is kept, it is running.
        if record.status != .running, detail.replyJSON == nil, env.runs.isRunning(id) { status = "running" }
        let result = detail.replyJSON.flatMap(JSONValue.parse)
        let error = result?.objectValue?["error"]?.stringValue
        // The tool's answer says how the run ended (a backtest whose files fail still ran to the end).
        if let s = result?.objectValue?["status"]?.stringValue, ["done", "failed", "cancelled"].contains(s), status != "running" {
            status = s
        }
        let progress = try record.progress.map { try JSONValue.from($0) }
        let fields: [String: Value] = [
            "run_id": .string(id), "kind": .string(record.kind.rawValue), "plugin": .string(record.plugin), "status": .string(status),
            "progress": progress ?? .null, "started_at": .string(record.startedAt),
            "finished_at": record.finishedAt.map { .string($0) } ?? .null,
            "result": error == nil ? (result ?? .null) : .null, "error": error.map { .string(MCPWording.translate($0)) } ?? .null,
        ]
        let p = progress?.objectValue
        let summary: String
        var next: [String] = []
        switch status {
        case "running":
            summary =
                "\(record.kind) of \(record.plugin) is running"
                + (p.map { ", \($0["files_done"]?.intValue ?? 0)/\($0["files_total"]?.intValue ?? 0) files" } ?? "")
            next = ["get_run_status {run_id: \"\(id)\"} again in a few seconds", "cancel_run {run_id: \"\(id)\"} to stop it"]
        case "done":
            summary = result?.objectValue?["summary"]?.stringValue ?? "\(record.kind) of \(record.plugin) is done"
            next = result?.objectValue?["next_actions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        case "cancelled":
            summary = "\(record.kind) of \(record.plugin) was cancelled"
        default:
            summary =
                "\(record.kind) of \(record.plugin) failed"
                + (error.map { ": \(MCPWording.translate($0))" } ?? " (its server process ended)")
        }
        return ToolReply(fields, summary: summary, next: next)
    }
}

extension RunStatusTool {
    /// A run shared between machines, as its coordinator has it.
    static func coordinated(_ id: String, url: String) throws -> ToolReply {
        let coordinator = try Coordinator(url: url)
        defer { coordinator.close() }
        let p = try coordinator.progress(run: id)
        let done = p.files["done"] ?? 0
        let failed = (p.files["failed"] ?? 0) + (p.files["dead"] ?? 0)
        let total = p.files.values.reduce(0, +)
        let status = p.run.status == "open" ? "running" : p.run.status
        let nodes: [Value] = p.nodes.prefix(20).map { n in
            .object([
                "node": .string(n.node), "status": .string(n.status), "files_done": .int(n.filesDone), "files_failed": .int(n.filesFailed),
                "rows": .int(n.rows), "seconds_since_heartbeat": .double(n.secondsSinceHeartbeat),
                "error": n.error.map { .string($0) } ?? .null,
            ])
        }
        let fields: [String: Value] = [
            "run_id": .string(id), "kind": "execute", "plugin": .string(p.run.plugin), "status": .string(status),
            "progress": .object(["files_done": .int(done + failed), "files_total": .int(total)]), "started_at": .string(p.run.createdAt),
            "rows": .int(p.rows), "nodes": .array(nodes), "result": .null, "error": .null,
        ]
        let running = p.nodes.filter { $0.status == "running" }.count
        let summary =
            "execute of \(p.run.plugin) across \(p.nodes.count) nodes (\(running) running) is \(status): \(done + failed)/\(total) files ended, \(done) written, \(failed) failed, \(p.rows) rows"
        return ToolReply(
            fields, summary: summary,
            next: status == "running" ? ["get_run_status {run_id: \"\(id)\", coordinator: …} again in a few seconds"] : [])
    }
}

/// `cancel_run`: stops a run this server is executing (its workers are killed).
enum CancelRunTool {
    static let spec = ToolSpec(
        name: "cancel_run", title: "Cancel a run",
        description: "Stop a run_backtest, fix_parser or execute_pipeline run that is still running. Example: {\"run_id\": \"run_…\"}",
        input: JSONSchema.object(["run_id": JSONSchema.string("The run to stop.", minLength: 1)], required: ["run_id"]),
        output: JSONSchema.output(
            [
                "run_id": JSONSchema.string(), "cancelled": JSONSchema.boolean("False when the run was not running."),
            ], required: ["run_id", "cancelled"]),
        annotations: ToolSpec.control,
        run: { call in
            let id = try call.required("run_id")
            _ = try call.environment.workspace.jobDetail(id: id)
            var cancelled = call.environment.runs.cancel(id)
            if cancelled {
                _ = await call.environment.runs.wait(id, budget: .seconds(10))
            } else if try call.environment.workspace.jobDetail(id: id).summary.status == .running {
                // Owned by another process (the CLI, another server): ask it through the catalog.
                _ = try call.environment.workspace.cancelJob(id: id)
                cancelled = true
            }
            return ToolReply(
                ["run_id": .string(id), "cancelled": .bool(cancelled)],
                summary: cancelled ? "run \(id) cancelled (or asked to stop, when another process runs it)" : "run \(id) is not running",
                next: ["get_run_status {run_id: \"\(id)\"}"])
        })
}
