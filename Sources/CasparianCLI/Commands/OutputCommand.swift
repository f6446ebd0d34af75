import ArgumentParser
import CLISupport
import CasparianCore
import Foundation
import Workspace

struct OutputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output",
        abstract: "List or drop the output tables in .casparian/output.sqlite.",
        subcommands: [List.self, Drop.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the output tables, their plugins and row counts.")
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let ws = try workspace.existing()
            guard FileManager.default.fileExists(atPath: ws.outputURL.path) else {
                if json { return try Output.printJSON([OutputTableInfo]()) }
                return Output.line("no output tables yet: run a plugin over a scope (casparian run PLUGIN --scope NAME)")
            }
            let tables = try ws.openOutput().tables()
            if json { return try Output.printJSON(tables) }
            Output.line(
                TableRenderer(
                    headers: ["table", "plugin", "contract", "rows"],
                    rows: tables.map {
                        [$0.table, $0.plugin, "v\($0.contractVersion)", Formatting.count($0.rows)]
                    }
                ).render())
        }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drop",
            abstract: "Drop an output table (the next run of its plugin rebuilds it).",
            discussion: "Use it when a contract change is incompatible with the rows already written.")
        @Argument(help: "The table.")
        var table: String
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        struct Report: Encodable {
            var dropped: String
        }

        func run() async throws {
            let ws = try workspace.existing()
            try ws.openOutput().dropTable(table)
            if json { return try Output.printJSON(Report(dropped: table)) }
            Output.line("dropped \(table); re-run its plugin to rebuild it")
        }
    }
}
