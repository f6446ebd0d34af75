import ArgumentParser
import Backtest
import CLISupport
import CasparianCore
import Foundation
import Workspace

struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a plugin that already parses a sample file (CSV, TSV or JSON Lines).",
        discussion: """
            Writes PLUGINS/NAME/parser.py (delimiter, quoting and encoding sniffed from the sample) and \
            copies the sample to PLUGINS/NAME/samples/ so `casparian test NAME` can run it.

            Example: casparian new sales --from data/north/sales_2024-01.csv
            """)

    @Argument(help: "The plugin's name (letters, digits, _ and -).")
    var name: String

    @Option(help: "A sample file the parser should handle.")
    var from: String?

    @Option(help: "The plugins directory.")
    var plugins: String = "plugins"

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let result = try PluginScaffold.create(
            name: name, in: URL(fileURLWithPath: plugins),
            from: from.map { URL(fileURLWithPath: $0) })
        if json {
            try Output.printJSON(result)
        } else {
            Output.line(
                "\(Style.green("✔")) created plugin \(Style.bold(name)) (\(result.format.rawValue), pattern \(result.pattern)) in \(result.directory)"
            )
            Output.line(
                Style.dim("  next: casparian test \(name)")
                    + (from == nil ? Style.dim("   (add sample files to \(result.directory)/samples/ first)") : ""))
            if let from {
                Output.line(Style.dim("        casparian preview \(from) --plugin \(result.directory)"))
            }
        }
    }
}

struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run a plugin on its sample files (PLUGINS/NAME/samples/) against its contract.",
        discussion: "Exit codes: 0 every sample passed, 1 one failed, 2 usage error.")

    @Argument(help: "The plugin's name.")
    var name: String

    @Option(help: "The plugins directory.")
    var plugins: String = "plugins"

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var python: PythonOptions

    func run() async throws {
        let report = try await PluginSampleTest.run(
            plugin: name, pluginsDirectory: URL(fileURLWithPath: plugins),
            environment: { python.environment(pluginDirectory: $0) })
        if json {
            try Output.printJSON(report)
        } else {
            BacktestPrinter.print(
                report, excluded: 0,
                root: URL(fileURLWithPath: plugins).appendingPathComponent(name).appendingPathComponent("samples").standardizedFileURL.path)
            for f in report.results where f.status == .failed {
                Output.error("\(Style.red("✘")) \(URL(fileURLWithPath: f.path).lastPathComponent): \(f.message ?? "")")
                if let tb = f.traceback { Output.error(tb) }
            }
        }
        if report.status != .passed { throw ExitCode(1) }
    }
}
