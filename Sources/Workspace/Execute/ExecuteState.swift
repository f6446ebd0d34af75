import CasparianCore
import Catalog
import Foundation
import PluginHost

/// The shared tally of one execute run, updated from lanes and the writer.
final class ExecuteState: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let skipped: Int
    private let setAside: Int
    private let started: ContinuousClock.Instant
    private(set) var deadLetters: [DeadLetter] = []
    private var files: [Int: FileAccumulator] = [:]
    private var ok = 0
    private var failed: [ExecuteReport.FileFailure] = []
    private var rows = 0
    private var quarantined = 0
    private var stopped: CasparianError?
    private(set) var fileRows: [RunFileRecord] = []

    private let observer: (any ExecuteObserver)?

    init(total: Int, skipped: Int, setAside: Int, started: ContinuousClock.Instant, observer: (any ExecuteObserver)? = nil) {
        self.total = total
        self.skipped = skipped
        self.setAside = setAside
        self.started = started
        self.observer = observer
    }

    func file(_ index: Int, path: String, cap: Int, open: @escaping () -> FileRowChannel) -> FileAccumulator {
        lock.withLock {
            if let f = files[index] { return f }
            let f = FileAccumulator(path: path, cap: cap, open: open)
            files[index] = f
            return f
        }
    }

    func take(_ index: Int, path: String, cap: Int, open: @escaping () -> FileRowChannel) -> FileAccumulator {
        lock.withLock { files.removeValue(forKey: index) ?? FileAccumulator(path: path, cap: cap, open: open) }
    }

    /// Rolls back the writes of files that will never finish (a cancelled or failed run).
    func abortAll() {
        let left = lock.withLock { () -> [FileAccumulator] in
            defer { files.removeAll() }
            return Array(files.values)
        }
        for f in left { f.abort() }
    }

    func ok(_ path: String, rows n: Int, quarantined q: Int, duration: Duration) {
        let record = RunFileRecord(
            path: path, status: .ok, category: q > 0 ? "quarantined" : nil,
            message: q > 0 ? "\(q) values quarantined" : nil, rows: n, durationMs: duration.milliseconds)
        lock.withLock {
            ok += 1
            rows += n
            quarantined += q
            fileRows.append(record)
        }
        observer?.fileEnded(record, deadLettered: false)
    }

    func fail(_ path: String, category: String, message: String, duration: Duration) {
        let record = RunFileRecord(
            path: path, status: .failed, category: category, message: message, rows: 0, durationMs: duration.milliseconds)
        let dead = lock.withLock { () -> Bool in
            failed.append(.init(path: path, category: category, message: message))
            fileRows.append(record)
            return deadLetters.contains { $0.path == path }
        }
        observer?.fileEnded(record, deadLettered: dead)
    }

    /// An error that ends the run (the disk is full): no more files are taken or written.
    func stop(_ error: CasparianError) {
        lock.withLock { if stopped == nil { stopped = error } }
    }

    var stopError: CasparianError? { lock.withLock { stopped } }

    /// The file's retries ran out: it goes on the dead-letter list.
    func deadLetter(_ letter: DeadLetter) {
        lock.withLock { deadLetters.append(letter) }
    }

    /// Reports progress under the lock, so it arrives in increasing order.
    func report(_ sink: (ExecuteProgress) -> Void) {
        lock.withLock { sink(progressLocked) }
    }

    private var progressLocked: ExecuteProgress {
        let elapsed = (ContinuousClock.now - started).seconds
        let done = ok + failed.count + skipped + setAside
        let rate = elapsed > 0 ? Double(rows) / elapsed : 0
        let filesRate = elapsed > 0 ? Double(done - skipped) / elapsed : 0
        let eta: Double? = filesRate > 0 ? Double(total - done) / filesRate : nil
        return ExecuteProgress(filesDone: done, filesTotal: total, rowsWritten: rows, rowsPerSecond: rate, etaSeconds: eta)
    }

    func report(
        runID: String, plugin: PluginDirectory, contractVersion: Int, target: String, tables: [String], cancelled: Bool,
        duration: Duration
    ) -> ExecuteReport {
        lock.withLock {
            let s = duration.seconds
            return ExecuteReport(
                runID: runID, plugin: plugin.name, parserVersion: plugin.version, contractVersion: contractVersion,
                status: cancelled ? .cancelled : (failed.isEmpty && setAside == 0 ? .done : .failed), filesTotal: total, filesOK: ok,
                filesFailed: failed.count, filesSkipped: skipped, filesDeadLettered: setAside, rowsWritten: rows,
                rowsQuarantined: quarantined, target: target, tables: tables,
                failures: Array(failed.sorted { $0.path < $1.path }.prefix(50)),
                deadLettered: deadLetters.map(\.path).sorted(),
                durationMilliseconds: duration.milliseconds, rowsPerSecond: s > 0 ? Double(rows) / s : 0)
        }
    }
}

/// Told of each file's end as an execute records it (a run shared through
/// a coordinator reports it there). Called on lanes and writer threads.
protocol ExecuteObserver: Sendable {
    func fileEnded(_ record: RunFileRecord, deadLettered: Bool)
}

/// What an execute parses: where its files come from, the counts of the
/// ones it leaves, and each file's fingerprint (taken before it is parsed).
struct ExecuteWork: Sendable {
    var source: any ParseJobSource
    var total: Int
    var skipped: Int
    var setAside: Int
    var fingerprint: @Sendable (ParseJob) -> String?
    var observer: (any ExecuteObserver)? = nil
    /// The most files written at once; nil: as many as the target takes
    /// (`OutputTarget.concurrentWrites`).
    var writesInFlight: Int? = nil
}
