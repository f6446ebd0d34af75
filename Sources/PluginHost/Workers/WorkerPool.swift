import CasparianCore
import Foundation
import Logging
import WireProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// One file to parse, with its position in the run.
public struct ParseJob: Sendable, Equatable {
    public var index: Int
    public var path: String
    public init(index: Int, path: String) {
        self.index = index
        self.path = path
    }
}

/// Where a pool run takes its files from when they are not known up front
/// (a run shared with other machines claims them as it goes). Called from
/// the lanes, concurrently.
public protocol ParseJobSource: AnyObject, Sendable {
    /// The next file, waiting while there may be more; nil when there are
    /// none left for this run (then `mayHaveMore` is false too).
    func next() -> ParseJob?
    /// False once `next` has returned nil (or would at once).
    var mayHaveMore: Bool { get }
    /// A lane of the run has ended and handed its worker back: a core and
    /// a warm worker are now free while the other lanes finish.
    func laneEnded()
}

extension ParseJobSource {
    public func laneEnded() {}
}

/// A fixed list of files, taken in order.
public final class ListedJobs: ParseJobSource, @unchecked Sendable {
    private let lock = NSLock()
    private let jobs: [ParseJob]
    private var nextIndex = 0
    private var onDrained: (@Sendable () -> Void)?

    /// `onDrained` is called once, when the first lane ends with every file
    /// handed out (its worker is idle again; the last files are in flight).
    public init(_ jobs: [ParseJob], onDrained: (@Sendable () -> Void)? = nil) {
        self.jobs = jobs
        self.onDrained = onDrained
    }

    public func next() -> ParseJob? {
        lock.withLock {
            guard nextIndex < jobs.count else { return nil }
            defer { nextIndex += 1 }
            return jobs[nextIndex]
        }
    }

    public func laneEnded() {
        let drained = lock.withLock { () -> (@Sendable () -> Void)? in
            guard nextIndex >= jobs.count else { return nil }
            defer { onDrained = nil }
            return onDrained
        }
        drained?()
    }

    public var mayHaveMore: Bool { lock.withLock { nextIndex < jobs.count } }
}

/// Where a pool run reports. Both are called on the pool's lane threads,
/// concurrently for different files; a slow `onEvent` slows its worker
/// (the pipe fills), which is the backpressure.
public struct ParseCallbacks: Sendable {
    public var onEvent: @Sendable (ParseJob, WorkerEvent) -> Void
    public var onFinish: @Sendable (ParseJob, FileOutcome, Duration) -> Void
    /// Asked before each file is taken: true stops the run gently (files in
    /// flight finish and are reported; the rest are not started).
    public var shouldStop: @Sendable () -> Bool
    /// Called before a file is tried again after a transient failure: the
    /// events of the failed attempt must be forgotten.
    public var onRetry: @Sendable (ParseJob, PluginFailure) -> Void
    /// Asked (every 5 ms) while a lane would start a worker of its own and
    /// another worker already serves the run: true makes the lane wait. A
    /// run that will likely stop after its first few files (fail-fast) keeps
    /// the cores for them instead of starting workers it will not use.
    public var holdExtraWorkers: @Sendable () -> Bool

    public init(
        onEvent: @escaping @Sendable (ParseJob, WorkerEvent) -> Void = { _, _ in },
        onFinish: @escaping @Sendable (ParseJob, FileOutcome, Duration) -> Void,
        shouldStop: @escaping @Sendable () -> Bool = { false },
        onRetry: @escaping @Sendable (ParseJob, PluginFailure) -> Void = { _, _ in },
        holdExtraWorkers: @escaping @Sendable () -> Bool = { false }
    ) {
        self.onEvent = onEvent
        self.onFinish = onFinish
        self.shouldStop = shouldStop
        self.onRetry = onRetry
        self.holdExtraWorkers = holdExtraWorkers
    }
}

/// Warm workers, about one per core, reused across files and runs.
///
/// Every way a plugin can fail — raise, crash, exit, hang, eat memory — ends
/// as a `FileOutcome.failed` for that file; the pool then replaces the
/// worker if it died and goes on with the next file.
public final class WorkerPool: @unchecked Sendable {
    public let environment: WorkerEnvironment
    public let limits: WorkerLimits
    public let size: Int
    private let logger: Logger
    /// Guards `idle`, `busy` and `warming`; signalled when a warming worker is ready.
    private let lock = NSCondition()
    private var idle: [String: [WorkerProcess]] = [:]
    private var busy: [ObjectIdentifier: WorkerProcess] = [:]
    /// Workers being started in the background by `prewarm`, per plugin key.
    private var warming: [String: Int] = [:]
    /// Plugin keys `retire` stopped: a worker of theirs that becomes idle
    /// later (one still starting, or in use) is stopped instead of kept.
    private var retired: Set<String> = []
    /// Copy workers' stderr (the plugins' prints) to ours; also set by
    /// `CASPARIAN_WORKER_STDERR=1` for debugging.
    public var echoStderr = ProcessInfo.processInfo.environment["CASPARIAN_WORKER_STDERR"] == "1"

    public init(
        environment: WorkerEnvironment, limits: WorkerLimits = WorkerLimits(),
        size: Int = ProcessInfo.processInfo.activeProcessorCount, logger: Logger = Logger(label: "casparian.pool")
    ) {
        self.environment = environment
        self.limits = limits
        self.size = max(1, size)
        self.logger = logger
    }

    deinit { shutdown() }

    /// Parses `jobs` with up to `size` workers in parallel. Returns when all
    /// are done; throws `CancellationError` when the task is cancelled (its
    /// workers are killed at once, and files cut short are not reported),
    /// and the error when no worker can be started at all (e.g. the worker
    /// binary is missing), with the files not yet parsed left unreported.
    public func run(
        plugin: PluginDirectory, jobs: [ParseJob], maxRows: Int? = nil, parallelism: Int? = nil,
        callbacks: ParseCallbacks
    ) async throws {
        try await run(
            plugin: plugin, source: ListedJobs(jobs), lanes: min(parallelism ?? size, jobs.count), maxRows: maxRows,
            callbacks: callbacks)
    }

    /// Parses the files `source` hands out, with `parallelism` lanes (default
    /// `size`), until it has none left; otherwise as `run(plugin:jobs:…)`.
    public func run(
        plugin: PluginDirectory, source: any ParseJobSource, maxRows: Int? = nil, parallelism: Int? = nil,
        callbacks: ParseCallbacks
    ) async throws {
        try await run(plugin: plugin, source: source, lanes: parallelism ?? size, maxRows: maxRows, callbacks: callbacks)
    }

    private func run(
        plugin: PluginDirectory, source: any ParseJobSource, lanes: Int, maxRows: Int?, callbacks: ParseCallbacks
    ) async throws {
        let state = RunState(source: source)
        guard lanes > 0 else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let group = DispatchGroup()
                for laneIndex in 0..<lanes {
                    group.enter()
                    let thread = Thread { [self] in
                        self.lane(laneIndex, plugin: plugin, state: state, maxRows: maxRows, callbacks: callbacks)
                        group.leave()
                    }
                    thread.name = "casparian-lane-\(laneIndex)"
                    thread.stackSize = 4 << 20
                    thread.start()
                }
                group.notify(queue: .global()) { continuation.resume() }
            }
        } onCancel: {
            state.cancel()
            self.killBusy()
        }
        if let error = state.environmentError { throw error }
        if state.isCancelled { throw CancellationError() }
    }

    /// A lane takes a file only once it has a worker, so a worker still
    /// starting never holds back a file a ready one could parse, and a run
    /// that stops early (fail-fast) does not wait for workers it no longer needs.
    /// While `holdExtraWorkers` says so, a lane without a worker waits as
    /// long as another lane holds one.
    private func lane(_ index: Int, plugin: PluginDirectory, state: RunState, maxRows: Int?, callbacks: ParseCallbacks) {
        var worker: WorkerProcess? = nil
        defer { state.setHolding(index, false) }
        while !callbacks.shouldStop(), state.hasRemaining {
            state.setHolding(index, worker != nil)
            if worker == nil, state.loadFailure == nil {
                do {
                    guard
                        let w = try checkout(
                            plugin, giveUp: { callbacks.shouldStop() || !state.hasRemaining },
                            hold: { state.isServed && callbacks.holdExtraWorkers() },
                            claim: { state.setHolding(index, true) })
                    else { break }
                    worker = w
                } catch let failure as PluginFailure {
                    state.setLoadFailure(failure)
                } catch {
                    // No worker can start (a missing worker binary, no pipes):
                    // the environment, not the plugin or this file. The run
                    // stops and throws it, rather than record a failure per file.
                    state.abort(error)
                    break
                }
            }
            guard !callbacks.shouldStop(), let job = state.next() else { break }
            let started = ContinuousClock.now
            if let failure = state.loadFailure {
                callbacks.onFinish(job, .failed(failure), .zero)
                continue
            }
            var outcome = parse(job, with: worker!, maxRows: maxRows, callbacks: callbacks)
            var earlier: [String] = []
            while case .failed(let failure) = outcome, failure.isTransient, earlier.count < limits.transientRetries,
                !state.isCancelled
            {
                // A transient failure: forget the attempt and try again on a fresh worker.
                logger.info("retrying \(job.path) on a fresh worker after: \(failure.summary)")
                earlier.append(failure.summary)
                worker?.terminate()
                worker = nil
                callbacks.onRetry(job, failure)
                do {
                    worker = try startWorker(plugin)
                } catch {
                    break
                }
                outcome = parse(job, with: worker!, maxRows: maxRows, callbacks: callbacks)
            }
            if worker?.isAlive == false { worker = nil }
            if state.isCancelled { break }
            if case .failed(var failure) = outcome, !earlier.isEmpty {
                failure.attempts = earlier.count + 1
                failure.earlierAttempts = earlier
                outcome = .failed(failure)
            }
            callbacks.onFinish(job, outcome, ContinuousClock.now - started)
            if let w = worker, w.filesParsed >= limits.recycleAfterFiles || w.residentBytes > limits.recycleAboveRSSBytes {
                logger.debug("recycling worker \(w.pid) after \(w.filesParsed) files")
                w.shutdown()
                worker = nil
            }
        }
        if let w = worker {
            if state.isCancelled || !w.isAlive { w.terminate() } else { checkin(w) }
        }
        // A lane waiting in `checkout` takes the worker checked in, or sees at
        // once that the run stopped (fail-fast), instead of at its next poll.
        lock.withLock { lock.broadcast() }
        state.laneEnded()
    }

    /// Parses one file on `w`, which counts as busy meanwhile (cancellation kills busy workers).
    private func parse(_ job: ParseJob, with w: WorkerProcess, maxRows: Int?, callbacks: ParseCallbacks) -> FileOutcome {
        markBusy(w, true)
        defer { markBusy(w, false) }
        return w.parse(path: job.path, maxRows: maxRows) { callbacks.onEvent(job, $0) }
    }

    private func key(_ plugin: PluginDirectory) -> String {
        "\(plugin.url.path)|\(plugin.sourceHash)|\(environment.pythonExecutable)"
    }

    /// Starts workers for `plugin` in the background until `count` are idle
    /// or starting, so the first files of a run find them warm while the
    /// caller still plans. The first starts alone and the others once it is
    /// ready: starting all at once slows each (on two cores, the first is
    /// ready ~40% later), and a run that stops early (fail-fast) needs only
    /// the first. A worker that fails to start is dropped (and the ones after
    /// it are not started): the lane that needs one starts its own and
    /// reports the failure. `niceness` lowers their CPU priority for good
    /// (workers wanted later, warmed in the cores' idle cycles).
    public func prewarm(plugin: PluginDirectory, count: Int, niceness: Int32 = 0) {
        let k = key(plugin)
        let missing = lock.withLock { () -> Int in
            let n = max(0, min(count, size) - (idle[k]?.count ?? 0) - (warming[k] ?? 0))
            warming[k, default: 0] += n
            return n
        }
        guard missing > 0 else { return }
        let first = Thread { [self] in
            guard warmOne(plugin, key: k, niceness: niceness) else {
                lock.withLock {
                    warming[k, default: missing - 1] -= missing - 1
                    lock.broadcast()
                }
                return
            }
            for _ in 1..<missing {
                let thread = Thread { [self] in _ = warmOne(plugin, key: k, niceness: niceness) }
                thread.name = "casparian-prewarm"
                thread.start()
            }
        }
        first.name = "casparian-prewarm"
        first.start()
    }

    /// Starts one of the workers `prewarm` counted and makes it idle; false if it failed.
    private func warmOne(_ plugin: PluginDirectory, key k: String, niceness: Int32) -> Bool {
        let w = try? startWorker(plugin, niceness: niceness)
        let unwanted = lock.withLock { () -> Bool in
            warming[k, default: 1] -= 1
            defer { lock.broadcast() }
            if retired.contains(k) { return true }
            if let w { idle[k, default: []].append(w) }
            return false
        }
        if unwanted { w?.shutdown() }
        return w != nil
    }

    private func startWorker(_ plugin: PluginDirectory, niceness: Int32 = 0) throws -> WorkerProcess {
        try WorkerProcess(plugin: plugin, environment: environment, limits: limits, echoStderr: echoStderr, niceness: niceness)
    }

    /// An idle worker for `plugin`, else one `prewarm` is starting, else a
    /// new one, unless `hold` says to wait; nil when `giveUp` says the lane
    /// is no longer needed. `claim` runs under the pool's lock as the lane
    /// takes an idle worker or decides to start one, so a lane waiting beside
    /// sees the run served.
    private func checkout(
        _ plugin: PluginDirectory, giveUp: () -> Bool, hold: () -> Bool,
        claim: () -> Void
    ) throws -> WorkerProcess? {
        let k = key(plugin)
        var gaveUp = false
        let reused: WorkerProcess? = lock.withLock {
            while true {
                while let w = idle[k]?.popLast() {
                    if w.isAlive {
                        claim()
                        return w
                    }
                }
                if giveUp() {
                    gaveUp = true
                    return nil
                }
                // A worker prewarm is starting is ready sooner than a new one.
                guard (warming[k] ?? 0) > 0 || hold() else {
                    claim()  // this lane starts one: a lane beside may hold
                    return nil
                }
                _ = lock.wait(until: Date().addingTimeInterval(0.005))
            }
        }
        if reused != nil || gaveUp { return reused }
        return try startWorker(plugin)
    }

    private func checkin(_ w: WorkerProcess) {
        let k = key(w.plugin)
        let extra: WorkerProcess? = lock.withLock {
            let total = idle.values.reduce(0) { $0 + $1.count }
            if total >= size * 2 || retired.contains(k) { return w }
            idle[k, default: []].append(w)
            return nil
        }
        extra?.shutdown()
    }

    private func markBusy(_ w: WorkerProcess, _ isBusy: Bool) {
        lock.withLock { busy[ObjectIdentifier(w)] = isBusy ? w : nil }
    }

    private func killBusy() {
        let workers = lock.withLock { Array(busy.values) }
        for w in workers { w.forceKill(because: .crash) }
    }

    /// Workers waiting for a file.
    public var idleWorkerCount: Int { lock.withLock { idle.values.reduce(0) { $0 + $1.count } } }

    /// Number of live worker processes this pool holds (idle and busy).
    public var liveWorkerPIDs: [pid_t] {
        lock.withLock { (idle.values.flatMap { $0 } + busy.values).filter(\.isAlive).map(\.pid) }
    }

    /// For a process about to exit (a CLI command): kills the idle workers'
    /// process groups at once instead of asking each to exit and waiting
    /// (~3–6 ms of every command); they hold no state. A worker still
    /// starting finds its host gone (EOF, watchdog) and exits by itself.
    /// Nor is any reaped: waiting for their deaths would only delay the exit.
    public func shutdownForExit() {
        for w in takeIdle(waitingForWarming: false) { w.abandon() }
    }

    /// Stops the idle workers of a plugin that will not run again (a
    /// temporary copy of another version), on a thread of their own; its
    /// workers still starting or in use stop when they would become idle.
    public func retire(plugin: PluginDirectory) {
        let k = key(plugin)
        let workers = lock.withLock { () -> [WorkerProcess] in
            retired.insert(k)
            return idle.removeValue(forKey: k) ?? []
        }
        guard !workers.isEmpty else { return }
        let thread = Thread {
            for w in workers { w.requestShutdown() }
            for w in workers { w.awaitShutdown() }
        }
        thread.name = "casparian-retire"
        thread.start()
    }

    /// Stops every idle worker. Safe to call more than once.
    public func shutdown() {
        let all = takeIdle(waitingForWarming: true)
        for w in all { w.requestShutdown() }
        for w in all { w.awaitShutdown() }
    }

    /// Removes and returns every idle worker, first waiting for the ones
    /// `prewarm` is starting when asked.
    private func takeIdle(waitingForWarming: Bool) -> [WorkerProcess] {
        lock.withLock {
            while waitingForWarming, warming.values.contains(where: { $0 > 0 }) { lock.wait() }
            defer { idle.removeAll() }
            return idle.values.flatMap { $0 }
        }
    }
}

/// The shared queue of one run.
private final class RunState: @unchecked Sendable {
    private let lock = NSLock()
    private let source: any ParseJobSource
    private var cancelled = false
    private var failure: PluginFailure?
    private var abortError: (any Error)?

    init(source: any ParseJobSource) { self.source = source }

    /// Files not yet taken (while the run is not cancelled).
    var hasRemaining: Bool { !isCancelled && source.mayHaveMore }

    func laneEnded() { source.laneEnded() }

    /// The next file (the source may wait for one: not under the lock).
    func next() -> ParseJob? {
        guard !isCancelled, let job = source.next() else { return nil }
        return isCancelled ? nil : job
    }
    func cancel() { lock.withLock { cancelled = true } }
    var isCancelled: Bool { lock.withLock { cancelled } }
    var loadFailure: PluginFailure? { lock.withLock { failure } }
    func setLoadFailure(_ f: PluginFailure) { lock.withLock { if failure == nil { failure = f } } }
    /// Stops the run for an error no file caused; `run` throws it.
    func abort(_ error: any Error) {
        lock.withLock {
            if abortError == nil { abortError = error }
            cancelled = true
        }
    }
    var environmentError: (any Error)? { lock.withLock { abortError } }

    /// The lanes that hold a worker (a lane may wait for one of its own
    /// only while another serves the run).
    private var holding: Set<Int> = []
    func setHolding(_ lane: Int, _ holds: Bool) {
        lock.withLock { if holds { holding.insert(lane) } else { holding.remove(lane) } }
    }
    var isServed: Bool { lock.withLock { !holding.isEmpty } }
}
