import ArgumentParser
import CLISupport
import Catalog
import Foundation
import PluginHost

struct Casparian: AsyncParsableCommand {
    static let version = CasparianVersion.current

    static let configuration = CommandConfiguration(
        commandName: "casparian",
        abstract: "Turn folders of messy files into trustworthy tables.",
        discussion: """
            Write a small Python parser (a plugin), preview it on a file, let Casparian \
            prove the column types, lock them as a contract, backtest the parser over \
            the whole corpus and execute it into SQLite tables.

            Exit codes: 0 success, 1 a check failed (e.g. a plugin failed on a file), \
            2 usage or configuration error, 3 internal error.
            """,
        version: version,
        subcommands: [
            NewCommand.self, TestCommand.self, ScanCommand.self, AnalyzeCommand.self, ScopeCommand.self, TagCommand.self,
            UntagCommand.self, DiscoverCommand.self, ApproveCommand.self, ContractCommand.self, AmendCommand.self,
            PreviewCommand.self, BacktestCommand.self, DiffCommand.self, RunCommand.self, JoinCommand.self, FilesCommand.self,
            JobsCommand.self,
            QueryCommand.self,
            OutputCommand.self, MCPCommand.self, LabCommand.self,
        ]
    )
}

/// The process entry point of the host. (Workers are `casparian-worker`,
/// a binary of their own.)
@main
enum CasparianEntry {
    static func main() async {
        Catalog.configureSQLiteForProcess()
        HostAllocator.keepFreedBatchMemoryForReuse()
        await run(Array(CommandLine.arguments.dropFirst()))
    }

    /// The common case parsed cheaply: a leaf subcommand by name, parsed on
    /// its own. swift-argument-parser reflects over every command of the tree
    /// to parse from the root, ~10 ms of each invocation's start-up. Help,
    /// version and completion requests, nested groups, and arguments that do
    /// not parse (so errors keep their full usage text) go through the root.
    static func directSubcommand(_ arguments: [String]) -> ParsableCommand? {
        guard let name = arguments.first, !name.hasPrefix("-"), name != "help" else { return nil }
        let rootOnly: Set<String> = ["-h", "--help", "-help", "--version", "--experimental-dump-help", "--generate-manual"]
        guard !arguments.contains(where: { rootOnly.contains($0) || $0.hasPrefix("--generate-completion") }) else { return nil }
        guard let type = Casparian.configuration.subcommands.first(where: { $0.configuration.commandName == name }),
            type.configuration.subcommands.isEmpty
        else { return nil }
        return try? type.parseAsRoot(Array(arguments.dropFirst()))
    }

    /// Parses and runs a command. Usage errors exit with 2, as documented.
    static func run(_ arguments: [String]) async {
        await CommandMain.run(root: Casparian.self, arguments: arguments, parsed: directSubcommand(arguments))
    }
}
