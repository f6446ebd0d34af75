import CasparianCore
import CasparianTestSupport
import Foundation
import PluginHost
import Testing
import WireProtocol

/// Fixture plugins and files, and a pool that runs them through real workers.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func plugin(_ name: String) throws -> PluginDirectory {
        try PluginDirectory(url: root.appendingPathComponent("plugins").appendingPathComponent(name))
    }

    /// A small CSV in a fresh temporary folder.
    static func csvFile(_ text: String = "id,name\n1,Ana\n2,Bo\n") throws -> URL {
        let dir = try TemporaryFolder.create("input")
        let url = dir.appendingPathComponent("input.csv")
        try Data(text.utf8).write(to: url)
        return url
    }

    /// The test venv's Python (pandas, pyarrow, numpy), when there is one.
    static var venvPython: String? { TestVenv.python }

    static func environment(python: String = "/usr/bin/python3") -> WorkerEnvironment {
        WorkerEnvironment(pythonExecutable: python, workerExecutable: WorkerEnvironment.defaultWorkerExecutable())
    }
}

/// Everything one file produced.
struct ParsedFile: Sendable {
    var batches: [RowBatch] = []
    var logs: [PluginLogMessage] = []
    var progress: [PluginProgressMessage] = []
    var outcome: FileOutcome?

    func rows(_ output: String) -> [[CellValue]] {
        batches.filter { $0.output == output }.flatMap { b in (0..<b.rowCount).map { b.row($0) } }
    }
    func columns(_ output: String) -> [String] {
        batches.last { $0.output == output }?.columnNames ?? []
    }
}

final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [Int: ParsedFile] = [:]
    func event(_ job: ParseJob, _ e: WorkerEvent) {
        lock.withLock {
            switch e {
            case .batch(let b): files[job.index, default: ParsedFile()].batches.append(b)
            case .log(let l): files[job.index, default: ParsedFile()].logs.append(l)
            case .progress(let p): files[job.index, default: ParsedFile()].progress.append(p)
            }
        }
    }
    /// A retry starts the file over: what the failed attempt produced is dropped.
    func retry(_ job: ParseJob) {
        lock.withLock { files[job.index] = nil }
    }
    func finish(_ job: ParseJob, _ o: FileOutcome) {
        lock.withLock { files[job.index, default: ParsedFile()].outcome = o }
    }
    subscript(i: Int) -> ParsedFile { lock.withLock { files[i] ?? ParsedFile() } }
}

extension WorkerPool {
    /// Parses files with one plugin and returns what each produced, by index.
    func parse(
        _ plugin: PluginDirectory, _ paths: [String],
        onRetry: @escaping @Sendable (PluginFailure) -> Void = { _ in }
    ) async throws -> Collector {
        let c = Collector()
        try await run(
            plugin: plugin, jobs: paths.enumerated().map { ParseJob(index: $0, path: $1) },
            callbacks: ParseCallbacks(
                onEvent: { c.event($0, $1) }, onFinish: { j, o, _ in c.finish(j, o) },
                onRetry: { j, f in
                    c.retry(j)
                    onRetry(f)
                }))
        return c
    }

    func parseOne(
        _ plugin: PluginDirectory, _ path: String,
        onRetry: @escaping @Sendable (PluginFailure) -> Void = { _ in }
    ) async throws -> ParsedFile {
        try await parse(plugin, [path], onRetry: onRetry)[0]
    }
}

/// The failures a run retried after, in order.
final class RetryLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [PluginFailure] = []
    var failures: [PluginFailure] { lock.withLock { list } }
    func add(_ f: PluginFailure) { lock.withLock { list.append(f) } }
}
