import ArgumentParser
import CLISupport
import CasparianCore
import Contracts
import Foundation
import Workspace

struct ApproveCommand: AsyncParsableCommand, JSONErrorReporting {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Lock a discovery's schema as a plugin's contract (writes plugins/NAME/contract.json).",
        discussion: """
            Every ambiguous or contradictory column needs an answer; approve lists them when one is missing.
            Example: casparian approve disc_123 --plugin sales --answer day=date:%d/%m/%Y --override note.nullable=true
            """)

    @Argument(help: "The discovery's id (printed by `casparian discover`).")
    var discoveryID: String

    @Option(help: "The plugin the contract binds (its folder name).")
    var plugin: String

    @Option(
        help: ArgumentHelp(
            "Answer an open question: COLUMN=TYPE[:FORMAT] (repeatable).",
            discussion:
                "Types: \(DataType.allCases.map(\.rawValue).joined(separator: ", ")). Use OUTPUT.COLUMN when outputs share a column name."))
    var answer: [String] = []

    @Option(
        help: ArgumentHelp(
            "Change a column before locking: COLUMN.FIELD=VALUE (repeatable).",
            discussion:
                "Fields: type, nullable, format, rename_to, default (null for a null default); and OUTPUT.mode=strict|allow_extra, OUTPUT.name=TABLE."
        ))
    var override: [String] = []

    @Option(help: "Leave out a file or glob of files (repeatable).")
    var exclude: [String] = []

    @Option(help: "The folder with plugin folders (default: plugins/ beside .casparian/).")
    var plugins: String?

    @Option(help: "Who approves (default: $USER).")
    var by: String?

    @Flag(help: "Make this discovery the next version of a plugin that already has a contract.")
    var replace = false

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        let ws = try workspace.existing()
        let request = try ws.approvalRequest(
            discoveryID: discoveryID, plugin: plugin, answers: answer, overrides: override,
            excludedFiles: exclude, approvedBy: by ?? Approver.current)
        let outcome = try ws.approve(
            discoveryID: discoveryID, request: request, pluginsDirectory: plugins.map { URL(fileURLWithPath: $0) },
            replace: replace)
        if json { return try Output.printJSON(outcome) }
        let c = outcome.contract
        Output.line(
            Style.green("locked ")
                + "contract \(c.id) version \(c.version) for plugin \(Style.bold(c.plugin)) (approved by \(c.approvedBy))")
        ContractPrinter.schemas(c)
        Output.line("wrote \(outcome.contractFile)")
        if let excluded = outcome.excludedSkippedText {
            Output.line(excluded + Style.dim(" (not CSV/TSV; backtest and run leave them out)"))
        }
        if let parser = outcome.parserWritten {
            Output.line("wrote \(parser): the built-in CSV/TSV reader as plugin \(c.plugin), each file's rows routed to its family's table")
            Output.line(Style.dim("next: `casparian backtest \(c.plugin) --scope SCOPE`, then `casparian run \(c.plugin) --scope SCOPE`"))
        } else {
            Output.line(Style.dim("next: commit the contract file; `casparian contract show \(c.plugin)` shows it"))
        }
    }
}

/// Who is deciding, when `--by` is not given.
enum Approver {
    static var current: String {
        let env = ProcessInfo.processInfo.environment
        return env["CASPARIAN_USER"] ?? env["USER"] ?? env["LOGNAME"] ?? "unknown"
    }
}
