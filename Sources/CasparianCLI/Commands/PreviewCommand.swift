import ArgumentParser
import CLISupport
import CasparianCore
import Foundation
import PluginHost
import WireProtocol
import Workspace

struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Run a plugin on one file and print the first rows.",
        discussion: "Example: casparian preview examples/sales/data/eu/sales_2024-08.csv --plugin examples/sales/plugins/sales")

    @Argument(help: "The file to parse.")
    var file: String

    @Option(name: .long, help: "The plugin: its folder (the one with parser.py), or its name in the workspace's plugins folder.")
    var plugin: String

    @Option(name: .short, help: "How many rows to show per output.")
    var n: Int = 10

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var python: PythonOptions

    func validate() throws {
        guard n > 0 else { throw ValidationError("-n must be at least 1 (got \(n))") }
    }

    func run() async throws {
        let fileURL = URL(fileURLWithPath: file)
        guard FileManager.default.fileExists(atPath: fileURL.path) else {
            throw CasparianError(.notFound, "file \(file) does not exist", hint: "check the path; preview takes one file")
        }
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let pluginDir = try Workspace.plugin(
            reference: plugin, in: Workspace.defaultPluginsDirectory(root: Workspace.locate(from: here) ?? here))
        let pool = WorkerPool(environment: python.environment(pluginDirectory: pluginDir.url), limits: .authoring, size: 1)
        defer { pool.shutdownForExit() }
        let collected = PreviewCollector(limit: n)
        let maxRows = max(n * 50, 1000)
        try await pool.run(
            plugin: pluginDir, jobs: [ParseJob(index: 0, path: fileURL.path)], maxRows: maxRows,
            callbacks: ParseCallbacks(
                onEvent: { _, event in collected.take(event) },
                onFinish: { _, outcome, _ in collected.finish(outcome) }))
        let result = collected.result
        if json {
            try Output.printJSON(PreviewReport(file: fileURL.path, plugin: pluginDir.name, result: result, limit: n))
        } else {
            for batch in result.batches {
                let shown = min(batch.rowCount, n)
                let rows = (0..<shown).map { r in batch.columns.map { $0[r].isNull ? nil : $0[r].truncatedText(60) } }
                let parsed = result.rows[batch.output] ?? batch.rowCount
                let total = result.rows.values.reduce(0, +) >= maxRows ? "≥\(parsed) (preview stops early)" : "\(parsed)"
                Output.line(Style.bold(batch.output) + Style.dim("  showing \(shown) of \(total) rows"))
                Output.line(TableRenderer(headers: batch.columnNames, rows: rows).render())
            }
            for log in result.logs { Output.error("plugin log [\(log.level)]: \(log.message)") }
        }
        if let failure = result.failure {
            Output.error(Style.red("error: ") + "\(pluginDir.name) failed on \(file): \(failure.summary)")
            if let tb = failure.traceback, !tb.isEmpty { Output.error(tb) }
            if !failure.stderrTail.isEmpty {
                Output.error("last lines of the worker's stderr:\n" + failure.stderrTail.map { "  " + $0 }.joined(separator: "\n"))
            }
            throw ExitCode(1)
        }
    }
}

/// Rows kept for a preview (thread-safe: the pool calls from its lane).
final class PreviewCollector: @unchecked Sendable {
    struct Result {
        var batches: [RowBatch] = []
        var rows: [String: Int] = [:]
        var logs: [PluginLogMessage] = []
        var failure: PluginFailure?
    }
    private let lock = NSLock()
    private var state = Result()
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
    var result: Result { lock.withLock { state } }
}

struct PreviewReport: Encodable {
    struct OutputRows: Encodable {
        var name: String
        var columns: [String]
        var rows: [[String?]]
    }
    var file: String
    var plugin: String
    var outputs: [OutputRows]
    var error: PluginFailure?

    init(file: String, plugin: String, result: PreviewCollector.Result, limit: Int) {
        self.file = file
        self.plugin = plugin
        outputs = result.batches.map { b in
            OutputRows(
                name: b.output, columns: b.columnNames,
                rows: (0..<min(b.rowCount, limit)).map { r in b.columns.map { $0[r].text } })
        }
        error = result.failure
    }
}
