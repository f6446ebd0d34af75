import ArgumentParser
import CLISupport
import CasparianCore
import Foundation
import Workspace

struct OutputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output",
        abstract: "List or drop the output tables (in .casparian/output.sqlite and every target runs wrote to).",
        subcommands: [List.self, Drop.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the output tables of every target: plugin, contract version and row count.")
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let ws = try workspace.existing()
            let listing = try ws.outputListing()
            if json { return try Output.printJSON(listing) }
            guard !listing.isEmpty else {
                return Output.line("no output tables yet: run a plugin over a scope (casparian run PLUGIN --scope NAME)")
            }
            Output.line(
                TableRenderer(
                    headers: ["table", "plugin", "contract", "rows", "target"],
                    rows: listing.flatMap { target in
                        target.tables.map { [$0.table, $0.plugin, "v\($0.contractVersion)", Formatting.count($0.rows), target.target] }
                    }
                ).render())
            for target in listing {
                if let error = target.error { Output.error(Style.yellow("\(target.target): ") + "cannot be read: \(error)") }
            }
        }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drop",
            abstract: "Drop an output table (the next run of its plugin rebuilds it).",
            discussion: "Use it when a contract change is incompatible with the rows already written.")
        @Argument(help: "The table.")
        var table: String
        @Option(help: "The target holding it: sqlite (default), parquet:FOLDER or a postgresql:// URL.")
        var target = "sqlite"
        @Option(help: "PostgreSQL targets: the schema of the table.")
        var schema: String?
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        struct Report: Encodable {
            var dropped: String
            var target: String
        }

        func run() async throws {
            let ws = try workspace.existing()
            let spec = try OutputTargetSpec(
                parsing: target, schema: schema, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            try ws.openTarget(spec).dropTable(table)
            if json { return try Output.printJSON(Report(dropped: table, target: spec.description)) }
            Output.line("dropped \(table) from \(spec.description); re-run its plugin to rebuild it")
        }
    }
}
