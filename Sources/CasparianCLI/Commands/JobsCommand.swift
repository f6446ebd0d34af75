import ArgumentParser
import CLISupport
import CasparianCore
import Catalog
import Foundation
import Workspace

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List, inspect and cancel jobs (backtests, executes and discoveries) of this workspace.",
        discussion: """
            Every backtest, execute and discovery is a job recorded in the catalog, whichever process started \
            it (the CLI or the MCP server). A job whose process died shows as interrupted: \
            `casparian jobs resume` continues it (so does starting the same run again).
            Examples: casparian jobs --running; casparian jobs show run_…; casparian jobs cancel run_…; casparian jobs resume
            """,
        subcommands: [JobsList.self, JobsShow.self, JobsCancel.self, JobsResume.self],
        defaultSubcommand: JobsList.self)
}

struct JobsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List jobs, newest first.")

    @Flag(help: "Only running and queued jobs.") var running = false
    @Flag(help: "Only failed, cancelled and interrupted jobs.") var failed = false
    @Flag(help: "Only jobs that finished successfully.") var done = false
    @Option(help: "At most this many jobs.") var limit = 50
    @Option(help: "List the runs a PostgreSQL coordinator shares between machines, with each node's progress.")
    var coordinator: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1 (got \(limit))") }
    }

    func run() async throws {
        if let coordinator { return try CoordinatedJobs.list(coordinator, limit: limit, json: json) }
        var statuses: Set<RunRecord.Status>? = nil
        if running || failed || done {
            statuses = []
            if running { statuses!.formUnion([.running, .queued]) }
            if failed { statuses!.formUnion([.failed, .cancelled, .interrupted]) }
            if done { statuses!.insert(.done) }
        }
        let jobs = try workspace.existing().jobs(statuses: statuses, limit: limit)
        if json { return try Output.printJSON(jobs) }
        guard !jobs.isEmpty else { return Output.line(Style.dim("no jobs" + (statuses == nil ? " yet" : " with that status"))) }
        Output.line(
            TableRenderer(
                headers: ["id", "kind", "plugin", "status", "progress", "started", "time"],
                rows: jobs.map { j in
                    [
                        j.id, j.kind.rawValue, j.plugin,
                        JobsShow.colored(j.status) + (j.cancelRequested && j.status == .running ? " (cancelling)" : ""),
                        j.progress.map { "\($0.filesDone)/\($0.filesTotal)" } ?? "", j.startedAt,
                        j.seconds.map { String(format: "%.1fs", $0) } ?? "",
                    ]
                }
            ).render())
    }
}

struct JobsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "A job's status, progress, timings and per-file results.")

    @Argument(help: "The job id (from `casparian jobs`).") var id: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        let j = try workspace.existing().job(id: id)
        if json { return try Output.printJSON(j) }
        Output.line(Style.bold(j.id) + "  \(j.kind) of \(j.plugin)" + (j.parserVersion.map { " (parser \($0))" } ?? ""))
        Output.line("status    " + Self.colored(j.status) + (j.cancelRequested ? Style.dim(" (cancel requested)") : ""))
        if let p = j.progress {
            var parts = ["\(p.filesDone)/\(p.filesTotal) " + (p.stage ?? "files")]
            if let passed = p.passed, let failed = p.failed { parts.append("\(passed) passed, \(failed) failed") }
            if let rows = p.rowsWritten { parts.append("\(Formatting.count(rows)) rows written") }
            Output.line("progress  " + parts.joined(separator: ", "))
        }
        Output.line("started   \(j.startedAt)" + (j.ownerPID.map { Style.dim("  by process \($0)") } ?? ""))
        if let f = j.finishedAt { Output.line("finished  \(f)") }
        if let s = j.seconds { Output.line("time      " + String(format: "%.1f s", s)) }
        guard let files = j.files, !files.isEmpty else { return }
        Output.line("")
        Output.line(
            TableRenderer(
                headers: ["file", "status", "category", "rows", "ms"],
                rows: files.map {
                    [$0.path, $0.status.rawValue, $0.category ?? "", Formatting.count($0.rows), String($0.durationMs)]
                }
            ).render())
    }

    static func colored(_ s: RunRecord.Status) -> String {
        switch s {
        case .done: return Style.green(s.rawValue)
        case .failed, .interrupted: return Style.red(s.rawValue)
        case .running, .queued, .cancelled: return Style.yellow(s.rawValue)
        }
    }
}

struct JobsCancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Ask a running job to stop (whichever process runs it).",
        discussion: "The job stops within a second or so; files already done keep their results.")

    @Argument(help: "The job id (or a coordinated run's id, with --coordinator).") var id: String
    @Option(help: "Cancel a run a PostgreSQL coordinator shares: every node stops within a lease period.")
    var coordinator: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        if let coordinator { return try CoordinatedJobs.cancel(coordinator, run: id, json: json) }
        let j = try workspace.existing().cancelJob(id: id)
        if json { return try Output.printJSON(j) }
        Output.line(
            j.status == .cancelled
                ? "job \(j.id) was interrupted; marked cancelled"
                : "asked job \(j.id) to stop; `casparian jobs show \(j.id)` follows it")
    }
}

struct JobsResume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Continue interrupted jobs (their process died) in this process.",
        discussion: """
            Without an id, every interrupted job, oldest first. An execute continues where it stopped: \
            files written before are kept and skipped. A backtest runs again. A job whose parser \
            changed since cannot be resumed (it would mix two versions); cancel it and start anew.
            """)

    @Argument(help: "The job id (default: every interrupted job).") var id: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "No progress output.") var quiet = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        let ws = try workspace.existing()
        let ids = try id.map { [$0] } ?? ws.resumableJobs().reversed().map(\.id)
        guard !ids.isEmpty else {
            if json { return try Output.printJSON([JobSummary]()) }
            return Output.line(Style.dim("no interrupted jobs to resume"))
        }
        var finished: [JobSummary] = []
        var allDone = true
        for id in ids {
            let bar = ProgressReporter(label: "resume \(id)", unit: "files", quiet: quiet || json)
            let outcome = try await ws.resumeJob(
                id: id, backtestProgress: { bar.update(done: $0.tested, total: $0.total) },
                executeProgress: { bar.update(done: $0.filesDone, total: $0.filesTotal, detail: "\($0.rowsWritten) rows") })
            bar.finish()
            let job = try ws.job(id: id)
            finished.append(job)
            allDone = allDone && job.status == .done
            guard !json else { continue }
            switch outcome {
            case .execute(let r):
                Output.line(
                    "\(JobsShow.colored(job.status)) \(id): execute of \(r.plugin): \(r.filesOK) files written, \(r.filesFailed) failed, \(r.filesSkipped) kept from before; \(r.rowsWritten) rows"
                )
            case .backtest(let b):
                Output.line(
                    "\(JobsShow.colored(job.status)) \(id): backtest of \(b.report.plugin): \(b.report.filesPassed)/\(b.report.filesTested) files passed"
                )
            }
        }
        if json { try Output.printJSON(finished) }
        if !allDone { throw ExitCode(1) }
    }
}

/// `jobs --coordinator` and `jobs cancel --coordinator`: runs shared between machines.
enum CoordinatedJobs {
    static func list(_ url: String, limit: Int, json: Bool) throws {
        let coordinator = try Coordinator(url: url)
        defer { coordinator.close() }
        let runs = try coordinator.runs().prefix(limit).map { try coordinator.progress(run: $0.id) }
        if json { return try Output.printJSON(Array(runs)) }
        guard !runs.isEmpty else { return Output.line(Style.dim("the coordinator has no runs yet")) }
        for r in runs { show(r) }
    }

    /// A run and its nodes, as people read them.
    static func show(_ r: Coordinator.RunProgress) {
        let ended = (r.files["done"] ?? 0) + (r.files["failed"] ?? 0) + (r.files["dead"] ?? 0)
        let queued = r.files.values.reduce(0, +)
        var line =
            "\(Style.bold(r.run.id))  \(r.run.kind) of \(r.run.plugin) (parser \(r.run.parserVersion))\(r.run.target.map { " → \($0)" } ?? "")  "
        line += r.run.status == "done" ? Style.green(r.run.status) : r.run.status == "open" ? r.run.status : Style.red(r.run.status)
        Output.line(line)
        var files =
            "  \(ended)/\(queued) files ended: \(r.files["done"] ?? 0) \(r.run.kind == "backtest" ? "passed" : "written"), \(r.files["failed"] ?? 0) failed"
        if let dead = r.files["dead"], dead > 0 { files += ", \(dead) dead" }
        if let claimed = r.files["claimed"], claimed > 0 { files += ", \(claimed) being parsed" }
        if r.run.filesSkipped > 0 { files += "; \(r.run.filesSkipped) unchanged (skipped)" }
        Output.line(files + "; \(Formatting.count(r.rows)) rows")
        guard !r.nodes.isEmpty else { return }
        Output.line(
            TableRenderer(
                headers: ["node", "jobs", "status", "claimed", "done", "failed", "rows", "heartbeat"],
                rows: r.nodes.map { n in
                    [
                        n.node, String(n.jobs), n.status + (n.error.map { ": " + String($0.prefix(80)) } ?? ""), String(n.filesClaimed),
                        String(n.filesDone), String(n.filesFailed), Formatting.count(n.rows),
                        String(format: "%.0fs ago", n.secondsSinceHeartbeat),
                    ]
                }
            ).render())
    }

    static func cancel(_ url: String, run id: String, json: Bool) throws {
        let coordinator = try Coordinator(url: url)
        defer { coordinator.close() }
        let run = try coordinator.run(id: id)
        let changed = try coordinator.cancel(run: run.id)
        if json { return try Output.printJSON(try coordinator.progress(run: run.id)) }
        Output.line(
            changed
                ? "asked every node of \(run.id) to stop; they do within \(run.leaseSeconds)s (`casparian jobs --coordinator URL` follows them)"
                : "run \(run.id) is \(run.status) already: nothing to cancel")
    }
}
