import ArgumentParser
import CLISupport
import CasparianCore
import Contracts
import Foundation
import Workspace

struct ContractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contract",
        abstract: "Show a plugin's locked contract, its history and the diff between versions; check contract.json.",
        subcommands: [Show.self, History.self, Diff.self, Check.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show the plugin's contract (the latest version, or --version N).")
        @Argument(help: "The plugin.")
        var plugin: String
        @Option(help: "The version to show.")
        var version: Int?
        @Flag(help: "Print the contract as JSON (the contract.json form).")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let c = try workspace.existing().contract(plugin: plugin, version: version)
            if json { return Output.line(String(decoding: try ContractFile.encode(c), as: UTF8.self).trimmingCharacters(in: .newlines)) }
            Output.line(
                "contract \(c.id) of \(Style.bold(c.plugin)), version \(c.version), approved by \(c.approvedBy) at \(ContractFile.formatTime(c.approvedAt))"
            )
            ContractPrinter.schemas(c)
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history", abstract: "List every version of the plugin's contract, with what changed.")
        @Argument(help: "The plugin.")
        var plugin: String
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let entries = try workspace.existing().contractHistory(plugin: plugin)
            if json { return try Output.printJSON(entries) }
            for e in entries {
                Output.line(Style.bold("v\(e.version)") + "  \(ContractFile.formatTime(e.approvedAt))  \(e.approvedBy)  \(e.origin)")
                if e.version > 1 { ContractPrinter.changes(e.changes) }
            }
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff", abstract: "What changed between two versions.",
            discussion: "Example: casparian contract diff sales 1 3")
        @Argument(help: "The plugin.")
        var plugin: String
        @Argument(help: "The older version.")
        var from: Int
        @Argument(help: "The newer version.")
        var to: Int
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let diff = try workspace.existing().contractDiff(plugin: plugin, from: from, to: to)
            if json { return try Output.printJSON(diff) }
            Output.line("\(plugin): v\(from) → v\(to)")
            ContractPrinter.changes(diff.changes)
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check contract.json: that it parses and type-checks, and (in a workspace) that it matches the catalog.",
            discussion: """
                With --file only the file is checked (no workspace needed), e.g. in CI: \
                casparian contract check --file plugins/sales/contract.json. Exit code 1 when the file is invalid or differs.
                """)
        @Argument(help: "The plugin (its contract.json is PLUGINS/PLUGIN/contract.json).")
        var plugin: String?
        @Option(help: "Check this file alone.")
        var file: String?
        @Option(help: "The folder with plugin folders (default: plugins/ beside .casparian/).")
        var plugins: String?
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func validate() throws {
            guard (plugin == nil) != (file == nil) else { throw ValidationError("give a PLUGIN or --file PATH (one of them)") }
        }

        func run() async throws {
            if let file {
                let c = try ContractFile.load(URL(fileURLWithPath: file))
                if json { return try Output.printJSON(FileCheck(file: file, status: "valid", plugin: c.plugin, version: c.version)) }
                return Output.line(
                    Style.green("valid: ")
                        + "\(file) (\(c.plugin) version \(c.version), \(c.schemas.count) schema\(c.schemas.count == 1 ? "" : "s"))")
            }
            let drift = try workspace.existing().checkContractFile(
                plugin: plugin!, pluginsDirectory: plugins.map { URL(fileURLWithPath: $0) })
            if json {
                try Output.printJSON(drift)
            } else if drift.isInSync {
                Output.line(Style.green("in sync: ") + "\(drift.file) is version \(drift.fileVersion ?? 0), as in the catalog")
            } else {
                Output.error(Style.red("\(drift.status.rawValue): ") + (drift.problem ?? ""))
                ContractPrinter.changes(drift.differences)
                Output.error(Style.dim("hint: ") + hint(drift.status))
            }
            if !drift.isInSync { throw ExitCode(1) }
        }

        struct FileCheck: Encodable {
            var file: String
            var status: String
            var plugin: String
            var version: Int
        }

        func hint(_ status: ContractDrift.Status) -> String {
            switch status {
            case .inSync: return ""
            case .fileMissing, .differs:
                return
                    "the catalog is the record: restore the file with `casparian contract show \(plugin!) --json > FILE`, or change the contract with `casparian amend propose`"
            case .fileInvalid: return "fix the file at the JSON path above, or restore it with `casparian contract show \(plugin!) --json`"
            case .notInCatalog:
                return "approve a discovery for \(plugin!) in this workspace: `casparian approve DISCOVERY_ID --plugin \(plugin!)`"
            }
        }
    }
}
