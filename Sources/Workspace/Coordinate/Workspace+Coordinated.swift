import CasparianCore
import Catalog
import Contracts
import Foundation
import Logging
import PluginHost

/// How a node takes part in a coordinated run.
public struct CoordinatedOptions: Sendable {
    /// The coordinator's PostgreSQL URL.
    public var coordinator: String
    /// Seconds a claimed file stays this node's without a heartbeat.
    public var leaseSeconds: Int = 60
    /// The run to join (`join`); nil: the one open run.
    public var runID: String?
    /// Seconds `join` waits for a run to open (nodes started at once with
    /// the one that creates it).
    public var waitSeconds: Int = 0

    public init(coordinator: String, leaseSeconds: Int = 60, runID: String? = nil, waitSeconds: Int = 0) {
        self.coordinator = coordinator
        self.leaseSeconds = leaseSeconds
        self.runID = runID
        self.waitSeconds = waitSeconds
    }
}

/// What one node did in a coordinated run, and where the run stands.
public struct CoordinatedReport: Sendable, Codable {
    public var runID: String
    public var node: String
    /// This node's part (its files, rows and failures).
    public var report: ExecuteReport
    /// The whole run, across its nodes, as the coordinator has it when this node left.
    public var run: Coordinator.RunProgress
    /// Whether this node created the run (else it joined an open one).
    public var created: Bool
    /// What coordinating cost this node: its calls to the coordinator
    /// (claims, file ends; not the heartbeat's) and the time they took.
    public var coordination: Coordination

    public struct Coordination: Sendable, Codable {
        public var calls: Int
        public var seconds: Double
        /// Milliseconds of coordinator calls per file this node ended.
        public var perFileMilliseconds: Double

        enum CodingKeys: String, CodingKey {
            case calls, seconds
            case perFileMilliseconds = "per_file_ms"
        }
    }

    enum CodingKeys: String, CodingKey {
        case node, report, run, created, coordination
        case runID = "run_id"
    }
}

extension Workspace {
    /// Creates (or joins) the coordinated run of the approved plugin over
    /// `scope` into `options.target`, then takes part in it as a node.
    public func executeCoordinated(
        plugin: PluginDirectory, scope: StoredScope, pool: WorkerPool, options: ExecuteOptions, coordinated: CoordinatedOptions,
        progress: @escaping @Sendable (ExecuteProgress) -> Void = { _ in }
    ) async throws -> CoordinatedReport {
        let contract = try coordinatedContract(plugin)
        try Self.checkSharedTarget(options.target)
        // The workers start while the run is set up with the coordinator.
        pool.prewarm(plugin: plugin, count: options.parallelism ?? pool.size)
        try recordParserVersion(plugin)
        let files = try runnableFiles(plugin: plugin, scope: scope, contract: contract)
        let executor = Executor(workspace: self, pool: pool)
        let store = try openTarget(options.target)
        let written = options.force ? [:] : try store.writtenFiles(plugin: plugin.name)
        try store.finish()
        let plan = Executor.plan(
            files: files, contract: contract, plugin: plugin, written: written,
            setAside: try executor.givenUp(plugin: plugin, force: options.force))
        let coordinator = try Coordinator(url: coordinated.coordinator)
        defer { coordinator.close() }
        let (run, created) = try coordinator.openRun(
            plugin: plugin.name, parserVersion: plugin.version, contractVersion: contract.version,
            scope: "\(scope.definition.name) \(scope.definition.root)", target: options.target, files: plan.todo,
            skipped: plan.skipped + plan.setAside, leaseSeconds: coordinated.leaseSeconds, maxClaims: pool.limits.transientRetries + 1)
        return try await takePart(
            in: run, created: created, plugin: plugin, contract: contract, pool: pool, options: options, coordinated: coordinated,
            progress: progress)
    }

    /// The coordinated run to join (`coordinated.runID`, else the one open
    /// run) and this workspace's copy of its plugin.
    public func coordinatedRun(
        _ coordinated: CoordinatedOptions, pluginsDirectory: URL? = nil
    ) async throws -> (Coordinator.Run, PluginDirectory) {
        let coordinator = try Coordinator(url: coordinated.coordinator)
        defer { coordinator.close() }
        let deadline = ContinuousClock.now + .seconds(coordinated.waitSeconds)
        var found: Coordinator.Run?
        while found == nil {
            do {
                let run = try coordinator.run(id: coordinated.runID)
                if run.status == "open" || ContinuousClock.now >= deadline { found = run }
            } catch let e as CasparianError where e.kind == .notFound && ContinuousClock.now < deadline {
                // Not there yet: the node that creates it may be starting too.
            }
            if found == nil { try? await Task.sleep(for: .milliseconds(50)) }
        }
        let run = found!
        guard run.status == "open" else {
            throw CasparianError(
                .conflict, "run \(run.id) is \(run.status): there is nothing to join",
                hint: "start a new run with `casparian run \(run.plugin) --scope S --to URL --coordinator URL`")
        }
        return (run, try plugin(reference: run.plugin, pluginsDirectory: pluginsDirectory))
    }

    /// Joins a coordinated run (from `coordinatedRun`) as a node.
    public func joinCoordinated(
        run: Coordinator.Run, plugin: PluginDirectory, pool: WorkerPool, options: ExecuteOptions, coordinated: CoordinatedOptions,
        progress: @escaping @Sendable (ExecuteProgress) -> Void = { _ in }
    ) async throws -> CoordinatedReport {
        let contract = try sameVersions(run: run, plugin: plugin)
        guard let target = run.target else {
            throw CasparianError(.conflict, "run \(run.id) is a \(run.kind), not an execute", hint: "join it with `casparian join`")
        }
        pool.prewarm(plugin: plugin, count: options.parallelism ?? pool.size)
        var options = options
        options.target = target
        try recordParserVersion(plugin)
        return try await takePart(
            in: run, created: false, plugin: plugin, contract: contract, pool: pool, options: options, coordinated: coordinated,
            progress: progress)
    }

    /// This machine's plugin and contract, refused unless they are the run's versions.
    func sameVersions(run: Coordinator.Run, plugin: PluginDirectory) throws -> SchemaContract {
        guard plugin.version == run.parserVersion else {
            throw CasparianError(
                .conflict,
                "this machine's \(run.plugin) parser is version \(plugin.version) (\(plugin.parserURL.path)); run \(run.id) parses with version \(run.parserVersion): joining would mix two versions in one \(run.kind == "backtest" ? "backtest" : "output")",
                hint: "give this machine the same parser.py as the run's (its version is the hash of the file), or start a new run")
        }
        let contract = try coordinatedContract(plugin)
        guard contract.version == run.contractVersion else {
            throw CasparianError(
                .conflict,
                "this machine's \(run.plugin) contract is version \(contract.version); run \(run.id) checks with contract version \(run.contractVersion)",
                hint: "give this machine the same contract.json as the run's")
        }
        return contract
    }

    func coordinatedContract(_ plugin: PluginDirectory) throws -> SchemaContract {
        guard let contract = try boundContract(for: plugin) else {
            throw CasparianError(
                .conflict, "plugin \(plugin.name) has no approved contract, so its output has no table types",
                hint: "discover and approve first: `casparian discover …` then `casparian approve DISCOVERY_ID --plugin \(plugin.name)`")
        }
        return contract
    }

    /// Several machines write one output only where it takes several writers.
    static func checkSharedTarget(_ target: OutputTargetSpec) throws {
        guard target.kind == .postgresql else {
            throw CasparianError(
                .usage,
                "a coordinated run writes to PostgreSQL (--to postgresql://…): a \(target.kind.rawValue) target takes one writer at a time",
                hint: "pass --to postgresql://HOST/DB (the coordinator's database will do)")
        }
    }

    /// Parses the run's files as one node until none is left, the run is
    /// cancelled, or the coordinator is lost.
    private func takePart(
        in run: Coordinator.Run, created: Bool, plugin: PluginDirectory, contract: SchemaContract, pool: WorkerPool,
        options: ExecuteOptions, coordinated: CoordinatedOptions, progress: @escaping @Sendable (ExecuteProgress) -> Void
    ) async throws -> CoordinatedReport {
        let node = try CoordinatedNode(run: run, coordinated: coordinated, lanes: options.parallelism ?? pool.size)
        let local = try openRun(kind: .execute, plugin: plugin.name, scopeID: nil, parserVersion: plugin.version)
        let executor = Executor(workspace: self, pool: pool)
        let source = node.files
        let report = try await node.part(local: local) {
            let (store, outputs) = try executor.openOutput(plugin: plugin, contract: contract, options: options, run: local)
            // One write in flight per lane: the server is shared by every
            // node's lanes, and a standalone run's second write (the server
            // storing one file while the lane parses the next) would, node
            // after node, give it more writes than it has cores.
            let work = ExecuteWork(
                source: source, total: run.filesTotal, skipped: run.filesSkipped, setAside: 0,
                fingerprint: { source.fingerprint($0) }, observer: source, writesInFlight: node.lanes)
            return try await local.perform {
                try await executor.run(
                    plugin: plugin, contract: contract, work: work, store: store, outputs: outputs, options: options, run: local,
                    started: .now, progress: progress)
            }
        }
        let status: RunRecord.Status = report.status == .cancelled ? .cancelled : (report.status == .done ? .done : .failed)
        try local.finish(status: status, resultJSON: try report.jsonText())
        let (whole, coordination) = try node.close(filesEnded: report.filesOK + report.filesFailed)
        return CoordinatedReport(
            runID: run.id, node: node.name, report: report, run: whole, created: created, coordination: coordination)
    }
}

/// One node's part in a coordinated run: registered with the coordinator,
/// its files claimed through `files`, its leases kept by a heartbeat, and
/// its end (finished, or stopped and why) recorded there.
final class CoordinatedNode: Sendable {
    let name: String
    let run: Coordinator.Run
    let link: CoordinatorLink
    let files: CoordinatedFiles
    /// Files the node parses at once.
    let lanes: Int
    private let heartbeat: Heartbeat

    init(run: Coordinator.Run, coordinated: CoordinatedOptions, lanes: Int) throws {
        name = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(4).lowercased())"
        self.run = run
        self.lanes = lanes
        link = try CoordinatorLink(url: coordinated.coordinator, run: run.id, node: name)
        try link.locked { [name] in try $0.join(run: run.id, node: name, jobs: lanes) }
        let files = CoordinatedFiles(link: link, lanes: lanes, lease: coordinated.leaseSeconds)
        self.files = files
        heartbeat = try Heartbeat(url: coordinated.coordinator, run: run.id, node: name, lease: coordinated.leaseSeconds) {
            files.stop($0)
        }
    }

    /// Runs the node's work; when it fails, or the node was told to stop
    /// (cancelled, coordinator lost), records why there and in `local`, and throws it.
    func part<T: Sendable>(local: WorkspaceRun, _ work: () async throws -> T) async throws -> T {
        let result: Result<T, any Error>
        do {
            result = .success(try await work())
        } catch {
            result = .failure(error)
        }
        files.flush()
        heartbeat.stop()
        let stop: (any Error)? = files.stopReason ?? { if case .failure(let e) = result { return e } else { return nil } }()
        if let stop {
            try? link.locked { [name] in try $0.leave(run: run.id, node: name, status: "stopped", error: "\(stop)") }
            local.fail(stop)
            throw stop
        }
        return try result.get()
    }

    /// Records the node's end; the whole run as the coordinator has it, and
    /// what coordinating cost this node.
    func close(filesEnded: Int) throws -> (Coordinator.RunProgress, CoordinatedReport.Coordination) {
        try link.locked { [name] in try $0.leave(run: run.id, node: name, status: "finished", error: nil) }
        let cost = link.cost
        let whole = try link.locked { try $0.progress(run: run.id) }
        link.close()
        return (
            whole,
            .init(
                calls: cost.calls, seconds: cost.seconds, perFileMilliseconds: filesEnded > 0 ? cost.seconds * 1000 / Double(filesEnded) : 0
            )
        )
    }
}

/// The coordinator's connection shared by a node's lanes and writers, one
/// call at a time; it keeps the time those calls took.
final class CoordinatorLink: @unchecked Sendable {
    private let lock = NSLock()
    private let coordinator: Coordinator
    let run: String
    let node: String
    private var calls = 0
    private var spent = Duration.zero

    init(url: String, run: String, node: String) throws {
        coordinator = try Coordinator(url: url)
        self.run = run
        self.node = node
    }

    func locked<T>(_ body: (Coordinator) throws -> T) throws -> T {
        try lock.withLock {
            let started = ContinuousClock.now
            defer {
                calls += 1
                spent += ContinuousClock.now - started
            }
            return try body(coordinator)
        }
    }

    /// Calls made to the coordinator and the time they took.
    var cost: (calls: Int, seconds: Double) { lock.withLock { (calls, spent.seconds) } }

    func close() { lock.withLock { coordinator.close() } }
}

/// The files a node parses: claimed from the coordinator a few at a time;
/// when none is free but other nodes still hold some, it waits (their
/// leases may run out, and their files come back). Reports each file's end.
final class CoordinatedFiles: ParseJobSource, ExecuteObserver, @unchecked Sendable {
    private let link: CoordinatorLink
    private let lanes: Int
    private let lease: Int
    /// Files ended, and the seconds they took (parse and write).
    private var timedFiles = 0
    private var timedSeconds = 0.0
    private let lock = NSCondition()
    private var buffer: [String] = []
    private var claiming = false
    private var exhausted = false
    private var stopped: (any Error)?
    private var nextIndex = 0
    /// Claims in a row that found nothing free (other nodes held the rest).
    private var idleLooks = 0
    private var fingerprints: [Int: String?] = [:]
    /// Files ended and not yet recorded: they go with the next claim (one
    /// round trip for both), or in batches of `flushAt`, and all at the end.
    private var ended: [Coordinator.FileEnd] = []
    private let flushAt = 32

    init(link: CoordinatorLink, lanes: Int, lease: Int) {
        self.link = link
        self.lanes = lanes
        self.lease = lease
    }

    /// How many files one claim takes: one more than the lanes while files
    /// are slow (a node never sits on files another could parse for long),
    /// about 100 ms of work per lane once files prove quick (a claim is a
    /// round trip: thousands of small files would pay it each).
    private var batch: Int {
        guard timedFiles >= lanes, timedSeconds > 0 else { return lanes + 1 }
        let perLane = Int(0.1 / (timedSeconds / Double(timedFiles)))
        return min(64, max(lanes + 1, perLane * lanes))
    }

    /// Why the node stopped before the run ended (cancelled, coordinator lost).
    var stopReason: (any Error)? { lock.withLock { stopped } }

    func stop(_ reason: any Error) {
        lock.withLock {
            if stopped == nil { stopped = reason }
            lock.broadcast()
        }
    }

    var mayHaveMore: Bool { lock.withLock { !exhausted && stopped == nil } }

    func next() -> ParseJob? {
        while true {
            lock.lock()
            while claiming, buffer.isEmpty, stopped == nil { lock.wait() }
            if stopped != nil || exhausted {
                lock.unlock()
                return nil
            }
            if !buffer.isEmpty {
                let path = buffer.removeFirst()
                let index = nextIndex
                nextIndex += 1
                lock.unlock()
                // Taken before parsing: a file changed while parsed is parsed again next time.
                let fingerprint = Executor.fingerprint(path)
                lock.withLock { fingerprints[index] = fingerprint }
                return ParseJob(index: index, path: path)
            }
            claiming = true
            let report = ended
            ended.removeAll()
            let batch = self.batch
            lock.unlock()
            let outcome = Result {
                try link.locked { c -> [String]? in
                    let claimed = try c.claim(run: link.run, node: link.node, count: batch, lease: lease, ended: report)
                    if !claimed.isEmpty { return claimed }
                    let open = try c.open(run: link.run, node: link.node)
                    if open.status == "cancelled" { throw CoordinatedStop.cancelled(link.run) }
                    return !open.todo && !open.claimed ? nil : []
                }
            }
            lock.lock()
            claiming = false
            lock.broadcast()
            switch outcome {
            case .success(let claimed?):
                buffer.append(contentsOf: claimed)
                idleLooks = claimed.isEmpty ? idleLooks + 1 : 0
                let looks = idleLooks
                lock.unlock()
                if claimed.isEmpty { waitForFreedFiles(looks: looks) }
            case .success(nil):
                exhausted = true
                lock.unlock()
                return nil
            case .failure(let error):
                if stopped == nil { stopped = error }
                lock.unlock()
                return nil
            }
        }
    }

    /// Up to `count` files: the next one (waiting as `next` does), then the
    /// ones already claimed with it.
    func nextBatch(_ count: Int) -> [String] {
        guard let first = next() else { return [] }
        var batch = [first.path]
        while batch.count < count, let path = lock.withLock({ buffer.isEmpty ? nil : buffer.removeFirst() }) { batch.append(path) }
        return batch
    }

    /// Other nodes hold the files left: look again shortly — a lease that
    /// runs out frees its files. At the end of a run the others' last
    /// files are usually moments from done, so for two seconds a node looks
    /// every 50 ms, then every second (or a quarter of the lease): it
    /// neither lingers after the run nor, waiting on a dead node's lease,
    /// asks the server more than once a second. A look is a claim and two
    /// lookups through the index.
    private func waitForFreedFiles(looks: Int) {
        let pause = min(looks <= 40 ? 0.05 : 1, Double(lease) / 4)
        lock.withLock { _ = lock.wait(until: Date().addingTimeInterval(pause)) }
    }

    func fingerprint(_ job: ParseJob) -> String? {
        lock.withLock { fingerprints[job.index] ?? nil }
    }

    func fileEnded(_ record: RunFileRecord, deadLettered: Bool) {
        let end = Coordinator.FileEnd(
            path: record.path, state: record.status == .ok || record.status == .passed ? "done" : (deadLettered ? "dead" : "failed"),
            rows: record.rows,
            category: record.category, message: record.message)
        let full = lock.withLock { () -> Bool in
            ended.append(end)
            timedFiles += 1
            timedSeconds += Double(record.durationMs) / 1000
            return ended.count >= flushAt
        }
        if full { flush() }
    }

    /// Records the files ended and not yet recorded.
    func flush() {
        let report = lock.withLock { () -> [Coordinator.FileEnd] in
            defer { ended.removeAll() }
            return ended
        }
        guard !report.isEmpty else { return }
        do {
            _ = try link.locked { try $0.claim(run: link.run, node: link.node, count: 0, lease: lease, ended: report) }
        } catch {
            stop(error)
        }
    }
}

/// Why a node stopped before its run ended.
enum CoordinatedStop {
    static func cancelled(_ run: String) -> CasparianError {
        CasparianError(
            .conflict, "run \(run) was cancelled: this node stopped (files it had written are kept)",
            hint: "start a new run to go on; `casparian jobs --coordinator URL` shows what each node did")
    }
}

/// Renews a node's leases every third of the lease on a thread (and
/// connection) of its own, so a long file keeps its claim; tells the node
/// to stop when the run is cancelled or the coordinator cannot be reached.
final class Heartbeat: @unchecked Sendable {
    private let lock = NSCondition()
    private var running = true
    private let coordinator: Coordinator
    private let run: String
    private let node: String
    private let lease: Int
    private let onStop: @Sendable (any Error) -> Void

    init(url: String, run: String, node: String, lease: Int, onStop: @escaping @Sendable (any Error) -> Void) throws {
        coordinator = try Coordinator(url: url)
        self.run = run
        self.node = node
        self.lease = lease
        self.onStop = onStop
        let thread = Thread { [self] in beat() }
        thread.name = "casparian-heartbeat"
        thread.start()
    }

    private func beat() {
        defer { coordinator.close() }
        let interval = max(0.2, Double(lease) / 3)
        while waitOrStop(interval) {
            do {
                if try coordinator.heartbeat(run: run, node: node, lease: lease) == "cancelled" {
                    onStop(CoordinatedStop.cancelled(run))
                    return
                }
            } catch {
                onStop(error)
                return
            }
        }
    }

    /// Waits `seconds`; false once stopped.
    private func waitOrStop(_ seconds: Double) -> Bool {
        lock.withLock {
            if running { _ = lock.wait(until: Date().addingTimeInterval(seconds)) }
            return running
        }
    }

    func stop() {
        lock.withLock {
            running = false
            lock.broadcast()
        }
    }
}
