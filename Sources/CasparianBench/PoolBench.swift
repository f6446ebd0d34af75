import CasparianCore
import Foundation
import PluginHost
import WireProtocol

/// `casparian-bench pool PLUGIN_DIR WORKERS FILE...`: parses the files through
/// a warm worker pool, consuming every row on the host, and prints
/// `seconds rows peak_host_rss_bytes host_cpu_seconds workers_cpu_seconds`
/// on one line for the calling script (CPU times include the warm-up).
/// Worker start-up is excluded (workers are warmed on a first file), as a
/// long-running host reuses them.
enum PoolBench {
    static func run() throws {
        let args = Array(CommandLine.arguments.dropFirst(2))
        guard args.count >= 3, let workers = Int(args[1]) else {
            throw CasparianError(.usage, "usage: casparian-bench pool PLUGIN_DIR WORKERS FILE...")
        }
        let plugin = try PluginDirectory(url: URL(fileURLWithPath: args[0]))
        let files = Array(args[2...])
        let env = WorkerEnvironment(
            pythonExecutable: "/usr/bin/python3",
            workerExecutable: WorkerEnvironment.defaultWorkerExecutable())
        let pool = WorkerPool(environment: env, size: workers)
        let rows = RowCounter()
        let sem = DispatchSemaphore(value: 0)
        let result = ResultBox()
        Task {
            do {
                // Warm: one tiny parse per worker so start-up is not measured.
                let warm = (0..<workers).map { ParseJob(index: $0, path: files[0]) }
                try await pool.run(plugin: plugin, jobs: warm, maxRows: 1, callbacks: ParseCallbacks(onFinish: { _, _, _ in }))
                let start = ContinuousClock.now
                try await pool.run(
                    plugin: plugin, jobs: files.enumerated().map { ParseJob(index: $0, path: $1) },
                    callbacks: ParseCallbacks(
                        onEvent: { _, e in if case .batch(let b) = e { rows.add(b) } },
                        onFinish: { _, o, _ in if let f = o.failure { result.fail(f) } }))
                result.elapsed = ContinuousClock.now - start
            } catch {
                result.fail(PluginFailure(category: .crash, message: "\(error)"))
            }
            sem.signal()
        }
        sem.wait()
        pool.shutdown()
        if let f = result.failure { throw CasparianError(.plugin, f.description) }
        var usage = rusage()
        var children = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        getrusage(RUSAGE_CHILDREN.rawValue, &children)  // the workers, reaped by shutdown()
        let seconds = Double(result.elapsed.components.seconds) + Double(result.elapsed.components.attoseconds) / 1e18
        func cpu(_ u: rusage) -> Double {
            Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
        }
        print(String(format: "%.4f %d %d %.3f %.3f", seconds, rows.total, usage.ru_maxrss * 1024, cpu(usage), cpu(children)))
    }
}

private final class RowCounter: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var total = 0
    private var checksum = 0
    func add(_ b: RowBatch) {
        // Touch every cell, as a consumer would.
        var n = 0
        for c in b.columns { for v in c where !v.isNull { n &+= 1 } }
        lock.withLock {
            total += b.rowCount
            checksum &+= n
        }
    }
}

private final class ResultBox: @unchecked Sendable {
    var elapsed: Duration = .zero
    private(set) var failure: PluginFailure?
    func fail(_ f: PluginFailure) { failure = f }
}
