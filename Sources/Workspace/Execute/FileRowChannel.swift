import Foundation

/// Hands one file's validated batches from its parse lane to the writer
/// thread, which writes them inside the file's open transaction as they
/// arrive. Bounded: a lane whose batches wait (the writer is busy with
/// another file, or SQLite is slower than Python) blocks in `send`, and
/// with it its worker through the pipe — the backpressure that keeps a
/// file's rows out of memory.
final class FileRowChannel: @unchecked Sendable {
    /// Batches that may wait for the writer.
    static let capacity = 4

    /// The most rows that ever waited in one channel (for tests: bounded by
    /// `capacity` batches, not by the size of a file).
    static var peakQueuedRows: Int { peak.withLock { peakRows } }
    static func resetPeak() { peak.withLock { peakRows = 0 } }
    private static let peak = NSLock()
    nonisolated(unsafe) private static var peakRows = 0

    private let condition = NSCondition()
    private var items: [StreamedRows] = []
    private var queuedRows = 0
    /// The end the writer took: true for commit, false for rollback.
    private var taken: Bool?
    private var ended = false
    /// The writer gave up on the file (it threw): further sends are dropped.
    private var abandoned = false

    /// Queues a batch, waiting while the channel is full.
    func send(_ item: StreamedRows) {
        condition.lock()
        defer { condition.unlock() }
        if case .batch = item {
            while items.count >= Self.capacity && !abandoned { condition.wait() }
        } else {
            ended = true
        }
        guard !abandoned else { return }
        items.append(item)
        if case .batch(let b) = item {
            queuedRows += b.rowCount
            let q = queuedRows
            Self.peak.withLock { Self.peakRows = max(Self.peakRows, q) }
        }
        condition.broadcast()
    }

    /// The writer's side: the next item, waiting for one.
    func next() -> StreamedRows {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        let item = items.removeFirst()
        switch item {
        case .batch(let b): queuedRows -= b.rowCount
        case .commit: taken = true
        case .rollback: taken = false
        }
        condition.broadcast()
        return item
    }

    /// The writer stopped reading (its write failed): release the lane.
    func abandon() {
        condition.withLock {
            abandoned = true
            items.removeAll()
            condition.broadcast()
        }
    }

    /// How long the file took to parse, set by the lane before it commits.
    var parseDuration: Duration {
        get { condition.withLock { duration } }
        set { condition.withLock { duration = newValue } }
    }
    private var duration = Duration.zero

    /// For a writer that cannot write the file: waits for the lane's end
    /// without keeping batches, and tells whether the lane meant to commit
    /// (so the file's failure is the writer's to record).
    func drainToEnd() -> Bool {
        // The writer may have failed after it took the end (at commit).
        if let taken = condition.withLock({ self.taken }) {
            abandon()
            return taken
        }
        while true {
            switch next() {
            case .batch: continue
            case .commit:
                abandon()
                return true
            case .rollback:
                abandon()
                return false
            }
        }
    }
}
