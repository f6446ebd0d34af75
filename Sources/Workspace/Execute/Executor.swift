import Backtest
import CasparianCore
import Catalog
import Contracts
import Foundation
import Logging
import PluginHost

/// Runs an approved plugin over files into the output database: parsed
/// rows are validated and normalised against the contract on the worker
/// pool's lanes, and one writer thread writes each file atomically while
/// Python goes on parsing the next files.
public final class Executor: Sendable {
    public let workspace: Workspace
    public let pool: WorkerPool
    private let logger: Logger

    public init(workspace: Workspace, pool: WorkerPool, logger: Logger = Logger(label: "casparian.execute")) {
        self.workspace = workspace
        self.pool = pool
        self.logger = logger
    }

    /// Writes `files` within `run` into `options.target`, recording each file's result and the
    /// dead letters; the run's end is its caller's to record.
    func run(
        plugin: PluginDirectory, contract: SchemaContract, files: [String], options: ExecuteOptions = ExecuteOptions(),
        run: WorkspaceRun, progress: @escaping @Sendable (ExecuteProgress) -> Void = { _ in }
    ) async throws -> ExecuteReport {
        let started = ContinuousClock.now
        let (store, outputs) = try openOutput(plugin: plugin, contract: contract, options: options, run: run)
        // Idempotence: skip files unchanged since a successful write by this parser version.
        let previous = options.force ? [:] : try store.writtenFiles(plugin: plugin.name)
        let setAside = try givenUp(plugin: plugin, force: options.force)
        let plan = Self.plan(files: files, contract: contract, plugin: plugin, written: previous, setAside: setAside)
        // Taken before parsing: a file that changes while it is parsed is
        // recorded in its old state, so the next run parses it again.
        let fingerprints = plan.todo.map(Self.fingerprint)
        let work = ExecuteWork(
            source: ListedJobs(plan.todo.enumerated().map { ParseJob(index: $0, path: $1) }), total: plan.total,
            skipped: plan.skipped, setAside: plan.setAside, fingerprint: { fingerprints[$0.index] })
        return try await self.run(
            plugin: plugin, contract: contract, work: work, store: store, outputs: outputs, options: options, run: run,
            started: started, progress: progress)
    }

    /// The target, its tables made or evolved for `contract`, recorded as the plugin's output.
    func openOutput(
        plugin: PluginDirectory, contract: SchemaContract, options: ExecuteOptions, run: WorkspaceRun
    ) throws -> (any OutputTarget, PluginOutputs) {
        let store = try workspace.openTarget(options.target)
        let outputs = try store.prepare(plugin: plugin.name, contractVersion: contract.version, schemas: contract.schemas)
        try workspace.catalog.recordOutputTarget(
            plugin: plugin.name, target: store.spec.description, specJSON: try store.spec.jsonText(), run: run.id)
        return (store, outputs)
    }

    /// Files this parser version already gave up on: they wait for a person (or --force).
    func givenUp(plugin: PluginDirectory, force: Bool) throws -> Set<String> {
        guard !force else { return [] }
        return Set(try workspace.catalog.deadLetters(plugin: plugin.name).filter { $0.parserVersion == plugin.version }.map(\.path))
    }

    /// Which of `files` to parse: not excluded by the contract, not given
    /// up on by this parser version, not written unchanged by it.
    static func plan(
        files: [String], contract: SchemaContract, plugin: PluginDirectory, written: [String: FileWriteRecord], setAside: Set<String>
    ) -> (todo: [String], total: Int, skipped: Int, setAside: Int) {
        var todo: [String] = []
        var skipped = 0
        var deadSkipped = 0
        for f in files where !contract.excludes(file: f) {
            if setAside.contains(f) {
                deadSkipped += 1
            } else if let last = written[f], last.parserVersion == plugin.version, last.fingerprint == Self.fingerprint(f) {
                skipped += 1
            } else {
                todo.append(f)
            }
        }
        return (todo, todo.count + skipped + deadSkipped, skipped, deadSkipped)
    }

    /// Parses what `work` hands out into `store`, recording each file's
    /// result (and telling `work.observer`).
    func run(
        plugin: PluginDirectory, contract: SchemaContract, work: ExecuteWork, store: any OutputTarget, outputs: PluginOutputs,
        options: ExecuteOptions, run: WorkspaceRun, started: ContinuousClock.Instant,
        progress: @escaping @Sendable (ExecuteProgress) -> Void
    ) async throws -> ExecuteReport {
        let catalog = workspace.catalog
        let runID = run.id
        let state = ExecuteState(
            total: work.total, skipped: work.skipped, setAside: work.setAside, started: started, observer: work.observer)
        let writer = FileWriters(count: min(store.concurrentWrites, work.writesInFlight ?? .max), depth: options.writeQueueDepth)
        let fingerprintOf = work.fingerprint
        let checker = try ContractChecker(contract: contract)
        // Each file's write runs on the writer thread from its first batch to its end,
        // in one transaction, taking the batches as the lane validates them.
        let openWrite = { @Sendable (job: ParseJob) -> FileRowChannel in
            let channel = FileRowChannel()
            let write = FileWrite(
                file: job.path, run: runID, parserVersion: plugin.version,
                fingerprint: fingerprintOf(job), batches: [])
            writer.submit {
                defer { state.report(progress) }
                if let stop = state.stopError {
                    if channel.drainToEnd() {
                        state.fail(
                            job.path, category: "disk_full", message: "not written: \(stop.message)", duration: channel.parseDuration)
                    }
                    return
                }
                do {
                    let summary = try store.writeFile(write, outputs: outputs, next: channel.next)
                    channel.abandon()
                    if let summary {
                        state.ok(job.path, rows: summary.totalRows, quarantined: summary.quarantined, duration: channel.parseDuration)
                    }
                } catch let e as CasparianError where e.isDiskFull {
                    // No later file can be written either: the run stops.
                    state.stop(e)
                    if channel.drainToEnd() {
                        state.fail(job.path, category: "disk_full", message: e.message, duration: channel.parseDuration)
                    }
                } catch {
                    if channel.drainToEnd() {
                        state.fail(job.path, category: "write_error", message: "\(error)", duration: channel.parseDuration)
                    }
                }
            }
            return channel
        }
        let cap = options.maxQuarantinedRowsPerFile
        var cancelled = false
        do {
            try await pool.run(
                plugin: plugin, source: work.source, parallelism: options.parallelism,
                callbacks: ParseCallbacks(
                    onEvent: { job, event in
                        guard case .batch(let b) = event else { return }
                        state.file(job.index, path: job.path, cap: cap) { openWrite(job) }.add(b, routes: checker)
                    },
                    onFinish: { job, outcome, duration in
                        let file = state.take(job.index, path: job.path, cap: cap) { openWrite(job) }
                        switch outcome {
                        case .failed(let f):
                            file.abort()
                            if f.exhaustedRetries {
                                state.deadLetter(DeadLetter(failure: f, path: job.path, plugin: plugin, runID: runID, kind: .execute))
                            }
                            state.fail(job.path, category: f.category.rawValue, message: f.detail, duration: duration)
                            state.report(progress)
                        case .parsed:
                            // The writer records the result once the file is committed.
                            if case .failure(let category, let message) = file.finish(
                                threshold: options.quarantineThreshold, duration: duration)
                            {
                                state.fail(job.path, category: category, message: message, duration: duration)
                                state.report(progress)
                            }
                        }
                    },
                    shouldStop: { state.stopError != nil },
                    onRetry: { job, _ in state.take(job.index, path: job.path, cap: cap) { openWrite(job) }.abort() }))
        } catch is CancellationError {
            cancelled = true
        } catch {
            state.abortAll()
            writer.drain()
            throw error
        }
        // Files cut short by a cancel never finish: their writes roll back.
        state.abortAll()
        writer.drain()
        try store.finish()
        if let stop = state.stopError {
            // The catalog, often on the same disk, needs room to record how the run ended.
            store.releaseSpace()
            try? catalog.recordRunFiles(runID: runID, results: state.fileRows)
            throw stop
        }
        let report = state.report(
            runID: runID, plugin: plugin, contractVersion: contract.version, target: store.spec.description,
            tables: outputs.allTables,
            cancelled: cancelled, duration: ContinuousClock.now - started)
        try catalog.recordRunFiles(runID: runID, results: state.fileRows)
        try workspace.recordDeadLetters(
            state.deadLetters, plugin: plugin.name,
            passed: state.fileRows.filter { $0.status == .ok }.map(\.path))
        return report
    }

    /// Size and modification time: what "unchanged since the last run" means.
    static func fingerprint(_ path: String) -> String? {
        guard let a = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let size = (a[.size] as? NSNumber)?.int64Value ?? -1
        let mtime = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(size):\(Int64(mtime * 1000))"
    }
}

/// Runs file writes on `count` threads of their own (one for SQLite, a
/// single-writer database; more for a target whose files are written on
/// separate connections), with at most `depth` more waiting: a full queue
/// blocks the submitting lane (backpressure).
final class FileWriters: @unchecked Sendable {
    private let queue: DispatchQueue
    private let waiting: DispatchSemaphore
    private let running: DispatchSemaphore

    init(count: Int, depth: Int) {
        let count = max(1, count)
        queue = DispatchQueue(label: "casparian.output-writer", attributes: count > 1 ? [.concurrent] : [])
        waiting = DispatchSemaphore(value: max(1, depth) + count - 1)
        running = DispatchSemaphore(value: count)
    }

    func submit(_ work: @escaping @Sendable () -> Void) {
        waiting.wait()
        queue.async { [waiting, running] in
            running.wait()
            work()
            running.signal()
            waiting.signal()
        }
    }

    /// Waits for every submitted write to end.
    func drain() { queue.sync(flags: .barrier) {} }
}
