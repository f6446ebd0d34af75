import CasparianCore
import Foundation
import Logging
import PluginHost

/// One backtest to run.
public struct BacktestRequest: Sendable {
    public var plugin: PluginDirectory
    /// Absolute paths of the corpus files this plugin claims.
    public var files: [String]
    /// Folder the files are named relative to (reports, shards, clusters).
    public var corpusRoot: String?
    /// Which high-failure history applies: a scope id, or the corpus path in CI.
    public var scopeKey: String
    /// Judges outputs; nil means a file passes when the plugin runs cleanly.
    public var checker: (any OutputChecker)?
    public var contractVersion: Int?
    public var iteration: Int
    /// Where what each parser version made of each file is kept, so the
    /// backtest of a new version says what it changed (nil: no comparison).
    public var digests: OutputDigestStore?

    public init(
        plugin: PluginDirectory, files: [String], corpusRoot: String?, scopeKey: String,
        checker: (any OutputChecker)?, contractVersion: Int? = nil, iteration: Int = 1, digests: OutputDigestStore? = nil
    ) {
        self.plugin = plugin
        self.files = files
        self.corpusRoot = corpusRoot
        self.scopeKey = scopeKey
        self.checker = checker
        self.contractVersion = contractVersion
        self.iteration = iteration
        self.digests = digests
    }
}

/// Progress of a running backtest.
public struct BacktestProgress: Sendable, Equatable {
    public var tested: Int
    public var total: Int
    public var passed: Int
    public var failed: Int
    public var lastFile: String

    public init(tested: Int, total: Int, passed: Int, failed: Int, lastFile: String) {
        self.tested = tested
        self.total = total
        self.passed = passed
        self.failed = failed
        self.lastFile = lastFile
    }
}

/// Runs a plugin over a corpus on the worker pool: the files that failed
/// before go first, and when they still fail the run stops early.
public final class BacktestEngine: Sendable {
    public let pool: WorkerPool
    public let store: any HighFailureStore
    public let options: BacktestOptions
    private let logger: Logger

    public init(
        pool: WorkerPool, store: any HighFailureStore, options: BacktestOptions = BacktestOptions(),
        logger: Logger = Logger(label: "casparian.backtest")
    ) {
        self.pool = pool
        self.store = store
        self.options = options
        self.logger = logger
    }

    /// The visiting order for `request` (after sharding), with each file's prior state.
    public func plan(_ request: BacktestRequest) throws -> [FileHistory] {
        var files = request.files
        if let shard = options.shard {
            files = files.filter { shard.contains(relativePath: FailureAnalysis.relative($0, request.corpusRoot)) }
        }
        let known = try store.history(plugin: request.plugin.name, scopeKey: request.scopeKey, paths: files)
        let histories = files.map { FileHistory(path: $0, state: known[$0] ?? .neverTested) }
        if let seed = options.randomOrderSeed {
            var rng = SplitMix64(seed: seed)
            return histories.sorted { $0.path < $1.path }.shuffled(using: &rng)
        }
        return FileOrdering.order(histories)
    }

    public func run(
        _ request: BacktestRequest,
        progress: @escaping @Sendable (BacktestProgress) -> Void = { _ in }
    ) async throws -> BacktestReport {
        let started = ContinuousClock.now
        pool.prewarm(plugin: request.plugin, count: 1)
        let order = try plan(request)
        let state = RunTally(order: order, options: options, started: started)
        // A run that may stop after its first files (fail-fast, files that
        // failed before go first) runs them on one worker, and starts the
        // others only if it goes on (or after a while): starting them would
        // take the cores from the files that decide.
        if !state.mayStopEarly {
            pool.prewarm(plugin: request.plugin, count: min(options.parallelism ?? pool.size, request.files.count))
        }
        let checker = request.checker
        let judgedBy = Self.judgedBy(request)
        let limit = options.maxProblemsPerFile
        let jobs = order.enumerated().map { ParseJob(index: $0, path: $1.path) }
        // Columns are named `output.column` in the changes when the plugin declares several outputs.
        let tracker = try (options.compareOutput ? request.digests : nil).map {
            try ChangeTracker(store: $0, plugin: request.plugin, outputs: request.plugin.outputs.count, pool: pool)
        }
        var cancelled = false
        do {
            try await pool.run(
                plugin: request.plugin, source: ListedJobs(jobs, onDrained: { tracker?.drain() }),
                parallelism: min(options.parallelism ?? pool.size, jobs.count),
                callbacks: ParseCallbacks(
                    onEvent: { job, event in
                        guard case .batch(let batch) = event else { return }
                        tracker?.add(batch, index: job.index)
                        guard let checker else { return }
                        state.check(for: job.index, file: job.path, checker: checker).consume(batch)
                    },
                    onFinish: { job, outcome, duration in
                        if case .parsed = outcome {
                            tracker?.finish(job.index, path: job.path)
                        } else {
                            tracker?.drop(job.index)
                        }
                        let result = Self.verdict(
                            job: job, prior: order[job.index].state, outcome: outcome,
                            check: checker.map { state.check(for: job.index, file: job.path, checker: $0) },
                            judgedBy: judgedBy, limit: limit, duration: duration)
                        state.add(result, index: job.index, report: progress)
                    },
                    shouldStop: { state.shouldStop },
                    onRetry: { job, _ in
                        state.restart(job.index)
                        tracker?.restart(job.index)
                    },
                    holdExtraWorkers: { state.awaitingFirstVerdict }))
        } catch is CancellationError {
            cancelled = true
        }
        let results = state.results
        if !results.isEmpty {
            try store.record(
                plugin: request.plugin.name, scopeKey: request.scopeKey, iteration: request.iteration,
                parserVersion: request.plugin.version, results: results)
        }
        if cancelled { tracker?.discard() }
        let changes = cancelled ? nil : await tracker?.conclude()
        var report = state.report(
            request: request, cancelled: cancelled, minPassRate: options.minPassRate,
            duration: ContinuousClock.now - started)
        report.changes = changes
        return report
    }

    /// What judges `request`'s files, for reports.
    static func judgedBy(_ request: BacktestRequest) -> String {
        request.checker?.judgedBy ?? "clean run (no checker)"
    }

    static func verdict(
        job: ParseJob, prior: FileHistory.State, outcome: FileOutcome, check: (any FileCheck)?,
        judgedBy: String, limit: Int, duration: Duration
    ) -> FileResult {
        let ms = duration.milliseconds
        let priorKind: FileResult.Prior
        switch prior {
        case .failing: priorKind = .failing
        case .resolved: priorKind = .resolved
        case .neverTested: priorKind = .new
        case .passing: priorKind = .passing
        }
        switch outcome {
        case .failed(let f):
            var message = f.detail  // the category is a field of its own
            if f.category == .crash || f.category == .memory || f.category == .exit, let last = f.stderrTail.last(where: { !$0.isEmpty }) {
                message += " — stderr: \(last)"
            }
            var result = FileResult(
                path: job.path, status: .failed, prior: priorKind, category: FailureCategory(f.category),
                message: message, durationMilliseconds: ms, traceback: f.traceback, pluginLine: f.line)
            if f.attempts > 1 {
                result.attempts = f.attempts
                result.earlierAttempts = f.earlierAttempts
            }
            return result
        case .parsed(let rows):
            let total = rows.values.reduce(0, +)
            guard let check else {
                return FileResult(path: job.path, status: .passed, prior: priorKind, rows: total, durationMilliseconds: ms)
            }
            let (problems, more) = check.finish(limit: limit)
            if problems.isEmpty {
                return FileResult(path: job.path, status: .passed, prior: priorKind, rows: total, durationMilliseconds: ms)
            }
            var counts: [FailureCategory: Int] = [:]
            for p in problems { counts[p.category, default: 0] += 1 }
            let main = counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!.key
            let first = problems.first { $0.category == main }!
            let total2 = problems.count + more
            return FileResult(
                path: job.path, status: .failed, prior: priorKind, category: main,
                message: "\(total2) violation\(total2 == 1 ? "" : "s") of \(judgedBy), e.g. \(first.message)",
                problems: problems, moreProblems: more, rows: total, durationMilliseconds: ms)
        }
    }
}

/// The shared state of one run, updated from the pool's lanes.
private final class RunTally: @unchecked Sendable {
    private let lock = NSLock()
    private let order: [FileHistory]
    private let options: BacktestOptions
    private let started: ContinuousClock.Instant
    private let knownBadTotal: Int
    private var checks: [Int: any FileCheck] = [:]
    private var done: [(Int, FileResult)] = []
    private var passed = 0
    private var knownBadTested = 0
    private var knownBadPassed = 0
    private var knownBadDoneAt: Duration?
    private var stopReason: String?
    private var firstVerdictAt: ContinuousClock.Instant?

    init(order: [FileHistory], options: BacktestOptions, started: ContinuousClock.Instant) {
        self.order = order
        self.options = options
        self.started = started
        knownBadTotal = order.filter { if case .failing = $0.state { return true } else { return false } }.count
    }

    func check(for index: Int, file: String, checker: any OutputChecker) -> any FileCheck {
        lock.withLock {
            if let c = checks[index] { return c }
            let c = checker.makeFileCheck(file: file)
            checks[index] = c
            return c
        }
    }

    var shouldStop: Bool { lock.withLock { stopReason != nil } }

    /// Whether fail-fast can stop this run: the order starts with files that
    /// failed before.
    var mayStopEarly: Bool { options.failFast && knownBadTotal > 0 }

    /// How long a run that may stop early keeps to one worker after its
    /// first file's verdict, and before any: files slow enough that a second
    /// worker would pay off anyway get one.
    static let oneWorkerAfterFirstVerdict = Duration.milliseconds(250)
    static let oneWorkerBeforeFirstVerdict = Duration.seconds(2)

    /// True while fail-fast has not yet judged enough of the files that
    /// failed before to decide, for a short while.
    var awaitingFirstVerdict: Bool {
        guard mayStopEarly else { return false }
        let now = ContinuousClock.now
        return lock.withLock {
            guard stopReason == nil, knownBadTested < min(options.minKnownBadTested, knownBadTotal) else { return false }
            if let first = firstVerdictAt { return now - first < Self.oneWorkerAfterFirstVerdict }
            return now - started < Self.oneWorkerBeforeFirstVerdict
        }
    }

    /// The file is tried again: its check starts over.
    func restart(_ index: Int) {
        _ = lock.withLock { checks.removeValue(forKey: index) }
    }

    /// Records a verdict and reports progress under the same lock, so
    /// progress reaches the caller in increasing order from any lane.
    func add(_ r: FileResult, index: Int, report: (BacktestProgress) -> Void) {
        lock.withLock {
            if firstVerdictAt == nil { firstVerdictAt = ContinuousClock.now }
            checks[index] = nil
            done.append((index, r))
            if r.status == .passed { passed += 1 }
            if r.prior == .failing {
                knownBadTested += 1
                if r.status == .passed { knownBadPassed += 1 }
                if knownBadTested == knownBadTotal { knownBadDoneAt = ContinuousClock.now - started }
                let needed = min(options.minKnownBadTested, knownBadTotal)
                if options.failFast, stopReason == nil, knownBadTested >= needed {
                    let rate = Double(knownBadPassed) / Double(knownBadTested)
                    if rate < options.knownBadPassRateThreshold {
                        stopReason =
                            "fail-fast: \(knownBadTested - knownBadPassed) of the \(knownBadTested) files that failed before still fail (pass rate \(String(format: "%.0f", rate * 100))% < \(String(format: "%.0f", options.knownBadPassRateThreshold * 100))%)"
                    }
                }
            }
            report(
                BacktestProgress(
                    tested: done.count, total: order.count, passed: passed,
                    failed: done.count - passed, lastFile: r.path))
        }
    }

    var results: [FileResult] { lock.withLock { done.sorted { $0.0 < $1.0 }.map(\.1) } }

    func report(request: BacktestRequest, cancelled: Bool, minPassRate: Double, duration: Duration) -> BacktestReport {
        let results = self.results
        return lock.withLock {
            let tested = results.count
            let passedCount = results.filter { $0.status == .passed }.count
            var categories: [String: Int] = [:]
            for r in results where r.status == .failed { categories[(r.category ?? .pluginError).rawValue, default: 0] += 1 }
            let rate = tested == 0 ? 0 : Double(passedCount) / Double(tested)
            let skipped = order.count - tested
            let early = stopReason != nil && skipped > 0
            let status: BacktestReport.Status =
                cancelled ? .cancelled : (!early && skipped == 0 && rate >= minPassRate ? .passed : .failed)
            return BacktestReport(
                runID: nil, plugin: request.plugin.name, parserVersion: request.plugin.version,
                contractVersion: request.contractVersion, judgedBy: BacktestEngine.judgedBy(request), iteration: request.iteration,
                status: status, passRate: rate,
                filesTotal: order.count, filesTested: tested, filesPassed: passedCount, filesFailed: tested - passedCount,
                filesSkipped: skipped, earlyStopped: early, stopReason: early ? stopReason : (cancelled ? "cancelled" : nil),
                knownBadTested: knownBadTested, knownBadPassed: knownBadPassed, categories: categories,
                clusters: FailureAnalysis.clusters(of: results, relativeTo: request.corpusRoot), results: results,
                durationMilliseconds: duration.milliseconds, knownBadVerdictMilliseconds: knownBadDoneAt?.milliseconds)
        }
    }
}
