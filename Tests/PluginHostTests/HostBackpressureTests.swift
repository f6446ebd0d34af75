import CasparianCore
import Foundation
import PluginHost
import Testing

/// A consumer that holds a batch (an output writer busy with another file)
/// blocks the worker through the pipe. That time is the host's, not the
/// plugin's: it must not count against the file's deadline.
@Suite("Host backpressure")
struct HostBackpressureTests {
    @Test func timeTheHostHoldsABatchDoesNotCountAgainstTheDeadline() async throws {
        let pool = WorkerPool(environment: Fixtures.environment(), limits: FailureTaxonomyTests.limits(), size: 1)
        defer { pool.shutdownForExit() }
        let file = try Fixtures.csvFile()
        let rows = HeldRows()
        let outcome = HeldRows.Outcome()
        try await pool.run(
            plugin: try Fixtures.plugin("manybatches"), jobs: [ParseJob(index: 0, path: file.path)],
            callbacks: ParseCallbacks(
                onEvent: { _, event in
                    guard case .batch(let batch) = event else { return }
                    // The first batch is held for longer than the whole
                    // deadline (1 s) plus its kill grace (1 s).
                    if rows.add(batch.rowCount) == batch.rowCount { Thread.sleep(forTimeInterval: 2.5) }
                },
                onFinish: { _, o, _ in outcome.set(o) }))
        #expect(outcome.value == .parsed(rows: ["manybatches": 60_000]))
        #expect(rows.total == 60_000)
    }
}

final class HeldRows: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    /// Adds and returns the new total.
    func add(_ k: Int) -> Int {
        lock.withLock {
            n += k
            return n
        }
    }
    var total: Int { lock.withLock { n } }

    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var o: FileOutcome?
        func set(_ v: FileOutcome) { lock.withLock { o = v } }
        var value: FileOutcome? { lock.withLock { o } }
    }
}
