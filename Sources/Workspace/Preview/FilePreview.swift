import CasparianCore
import Foundation
import PluginHost
import WireProtocol

/// A plugin run on one file for a person to look at: the first rows of each
/// output, the plugin's log lines, and its failure if it failed.
/// `casparian preview` and the Parser Lab show it.
public struct FilePreview: Sendable {
    /// Up to `limit` rows per output (later batches' new columns added).
    public var batches: [RowBatch] = []
    /// Rows the plugin produced per output (all of them, when it finished).
    public var rows: [String: Int] = [:]
    public var logs: [PluginLogMessage] = []
    public var failure: PluginFailure?
    /// True when the plugin was stopped after `maxRows` rows.
    public var stoppedEarly = false

    /// Runs `plugin` on `file` in `pool` and keeps the first `limit` rows per
    /// output; the plugin is stopped after `maxRows` rows (default: enough for
    /// the preview, at least 1,000).
    public static func run(file: URL, plugin: PluginDirectory, pool: WorkerPool, limit: Int, maxRows: Int? = nil) async throws
        -> FilePreview
    {
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw CasparianError(.notFound, "file \(file.path) does not exist", hint: "check the path; preview takes one file")
        }
        let collected = PreviewCollector(limit: limit)
        let cap = maxRows ?? max(limit * 50, 1000)
        try await pool.run(
            plugin: plugin, jobs: [ParseJob(index: 0, path: file.path)], maxRows: cap,
            callbacks: ParseCallbacks(
                onEvent: { _, event in collected.take(event) },
                onFinish: { _, outcome, _ in collected.finish(outcome) }))
        var result = collected.result
        result.stoppedEarly = result.rows.values.reduce(0, +) >= cap
        return result
    }
}

/// Rows kept for a preview (thread-safe: the pool calls from its lane).
final class PreviewCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var state = FilePreview()
    private let limit: Int
    init(limit: Int) { self.limit = limit }

    func take(_ event: WorkerEvent) {
        lock.withLock {
            switch event {
            case .batch(let b):
                if let i = state.batches.firstIndex(where: { $0.output == b.output }) {
                    var merged = state.batches[i]
                    guard merged.rowCount < limit else { return }
                    // Later batches may have more columns (new dict keys).
                    for name in b.columnNames where !merged.columnNames.contains(name) {
                        merged.columnNames.append(name)
                        merged.columns.append(Array(repeating: .absent, count: merged.rowCount))
                    }
                    for r in 0..<min(b.rowCount, limit - merged.rowCount) {
                        let row = merged.columnNames.map { name in b[column: name]?[r] ?? .absent }
                        merged.append(row: row)
                    }
                    state.batches[i] = merged
                } else {
                    var first = b
                    if first.rowCount > limit { first.columns = first.columns.map { Array($0.prefix(limit)) } }
                    state.batches.append(first)
                }
            case .log(let l): state.logs.append(l)
            case .progress: break
            }
        }
    }

    func finish(_ outcome: FileOutcome) {
        lock.withLock {
            switch outcome {
            case .parsed(let rows): state.rows = rows
            case .failed(let f): state.failure = f
            }
        }
    }

    var result: FilePreview { lock.withLock { state } }
}
