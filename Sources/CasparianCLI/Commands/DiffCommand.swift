import ArgumentParser
import Backtest
import CLISupport
import CasparianCore
import Foundation
import Workspace

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What one parser version changed in the output against another, over the files both backtested.",
        discussion: """
            Each backtest keeps what the parser version made of each file as 4-byte cell hashes (two versions \\
            per file), so a fix's effect on the data is known even when every file passes: rows added, removed \\
            and changed, changed cells per column, and examples whose old and new values come from parsing a \\
            few files again with each version. `casparian backtest` prints the same against the previous version.
            Default: the two newest backtested versions.

            Example: casparian diff sales --from 1a2b3c4d5e6f
            """)

    @Argument(help: "The plugin.")
    var plugin: String

    @Option(help: "The older version (default: the one backtested before --to).")
    var from: String?

    @Option(help: "The newer version (default: the newest backtested).")
    var to: String?

    @Option(help: "The plugins directory (default: plugins/ beside .casparian/).")
    var plugins: String?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var workers: PoolOptions
    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var python: PythonOptions

    func run() async throws {
        let ws = try workspace.existing()
        let pluginDir = try ws.plugin(reference: plugin, pluginsDirectory: plugins.map { URL(fileURLWithPath: $0) })
        let pool = workers.pool(python.environment(pluginDirectory: pluginDir.url))
        defer { pool.shutdownForExit() }
        let changes = try await ws.outputChanges(plugin: pluginDir, from: from, to: to, pool: pool)
        if json { return try Output.printJSON(changes) }
        ChangesPrinter.print(changes, root: nil, indent: "", examples: OutputChanges.maxExamples)
        if changes.columnsChanged.count > 4 {
            for (column, cells) in changes.columnsChanged.sorted(by: { $0.value > $1.value }) {
                Output.line(Style.dim("  \(column): \(cells) cells"))
            }
        }
    }
}
