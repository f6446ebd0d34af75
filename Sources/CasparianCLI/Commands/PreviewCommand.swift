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
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let pluginDir = try Workspace.plugin(
            reference: plugin, in: Workspace.defaultPluginsDirectory(root: Workspace.locate(from: here) ?? here))
        let pool = WorkerPool(environment: python.environment(pluginDirectory: pluginDir.url), limits: .authoring, size: 1)
        defer { pool.shutdownForExit() }
        let result = try await FilePreview.run(file: fileURL, plugin: pluginDir, pool: pool, limit: n)
        if json {
            try Output.printJSON(PreviewReport(file: fileURL.path, plugin: pluginDir.name, result: result, limit: n))
        } else {
            for batch in result.batches {
                let shown = min(batch.rowCount, n)
                let rows = (0..<shown).map { r in batch.columns.map { $0[r].isNull ? nil : $0[r].truncatedText(60) } }
                let parsed = result.rows[batch.output] ?? batch.rowCount
                let total = result.stoppedEarly ? "≥\(parsed) (preview stops early)" : "\(parsed)"
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

    init(file: String, plugin: String, result: FilePreview, limit: Int) {
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
