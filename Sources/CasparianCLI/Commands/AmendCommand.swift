import ArgumentParser
import CLISupport
import CasparianCore
import Contracts
import Foundation
import Workspace

struct AmendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amend",
        abstract: "Propose, approve or reject changes to a plugin's contract (each approval makes a new version).",
        subcommands: [Propose.self, List.self, Show.self, Approve.self, Reject.self])

    struct Propose: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "propose",
            abstract: "Propose changes: written as options, or derived from violations (--from-violations FILE).",
            discussion: """
                Examples:
                  casparian amend propose sales --change-type qty=float64 --reason "fractional quantities since 2024"
                  casparian amend propose sales --add-column region=string --files '2024/**'
                  casparian amend propose sales --from-violations violations.json
                FILE holds a violation summary or a list of violations as JSON (what a backtest reports).
                """)
        @Argument(help: "The plugin whose contract to amend.")
        var plugin: String
        @Option(help: "The output the changes apply to (default: the contract's only output, or the plugin's).")
        var output: String?
        @Option(help: "Why.")
        var reason: String = ""
        @Option(help: "Files the change is about, a path or glob (repeatable): what split and exclude_files act on.")
        var files: [String] = []
        @Option(name: .customLong("from-violations"), help: "Derive the proposal from violations in this JSON file.")
        var fromViolations: String?
        @OptionGroup var change: ChangeOptions
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let ws = try workspace.existing()
            let changes = try change.changes()
            var proposed: [Amendment]
            if let fromViolations {
                guard changes.isEmpty else {
                    throw CasparianError(
                        .usage, "--from-violations derives the changes; do not give change options too",
                        hint:
                            "approve the derived proposal with changes instead: `casparian amend approve ID --action approve_with_changes …`"
                    )
                }
                proposed = try ws.proposeAmendments(plugin: plugin, evidence: try ViolationFile.load(fromViolations))
                if proposed.isEmpty {
                    throw CasparianError(
                        .data, "no contract change would make these violations valid (e.g. ints where text is locked)",
                        hint: "fix the parser so that it emits what the contract says")
                }
            } else {
                guard !changes.isEmpty || !files.isEmpty else {
                    throw CasparianError(
                        .usage, "nothing to propose",
                        hint:
                            "give changes (--add-column, --change-type, --set-nullable, --set-format, --set-default, --rename, --drop-column), files (--files), or --from-violations FILE"
                    )
                }
                let out = try ws.amendmentOutput(output, plugin: plugin)
                let pattern = files.count == 1 ? files[0] : nil
                proposed = [
                    try ws.proposeAmendment(
                        plugin: plugin,
                        proposal: AmendmentProposal(
                            output: out, changes: changes, reason: reason, origin: .manual, affectedFiles: pattern == nil ? files : [],
                            filePattern: pattern))
                ]
            }
            if json { return try Output.printJSON(proposed) }
            for a in proposed { ContractPrinter.amendment(a) }
            let first = proposed[0].id
            Output.line(
                Style.dim(
                    "next: `casparian amend approve \(first)` (or --action split|exclude_files|approve_with_changes), or `casparian amend reject \(first)`"
                ))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the plugin's amendments, newest first.")
        @Argument(help: "The plugin.")
        var plugin: String
        @Option(help: "Only proposed, approved or rejected ones.")
        var status: String?
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let s = try status.map { v -> Amendment.Status in
                guard let s = Amendment.Status(rawValue: v) else {
                    throw CasparianError(.usage, "--status is proposed, approved or rejected, not \(v)")
                }
                return s
            }
            let all = try workspace.existing().amendments(plugin: plugin, status: s)
            if json { return try Output.printJSON(all) }
            if all.isEmpty { return Output.line("no amendments for \(plugin)" + (status.map { " with status \($0)" } ?? "")) }
            for a in all { ContractPrinter.amendment(a) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one amendment, with its evidence.")
        @Argument(help: "The amendment's id.")
        var amendmentID: String
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let a = try workspace.existing().amendment(id: amendmentID)
            if json { return try Output.printJSON(a) }
            ContractPrinter.amendment(a)
            for g in a.proposal.evidence {
                Output.line(
                    Style.dim("  evidence: ")
                        + "\(g.kind.rawValue) \(g.column) \(g.pattern) ×\(g.count) in \(g.files) file\(g.files == 1 ? "" : "s"), e.g. "
                        + g.samples.prefix(3).map { "\($0.file):\($0.row) \"\($0.got)\"" }.joined(separator: ", "))
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve",
            abstract: "Approve an amendment: the plugin's contract gets a new version and contract.json is rewritten.",
            discussion: """
                Actions: approve (as proposed), approve_with_changes (give the changes as options), \
                split (the affected files' rows go to a separate output with the changes), \
                exclude_files (leave the schema alone, exclude the affected files).
                """)
        @Argument(help: "The amendment's id.")
        var amendmentID: String
        @Option(help: "approve, approve_with_changes, split or exclude_files.")
        var action: String = "approve"
        @Option(name: .customLong("split-output"), help: "For split: the new output's name (default OUTPUT_split).")
        var splitOutput: String?
        @OptionGroup var change: ChangeOptions
        @Option(help: "Who approves (default: $USER).")
        var by: String?
        @Option(help: "A note kept with the decision.")
        var note: String?
        @Option(help: "The folder with plugin folders (default: plugins/ beside .casparian/).")
        var plugins: String?
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            guard let act = AmendmentAction(rawValue: action), act != .reject else {
                throw CasparianError(
                    .usage, "--action \(action) is not one of approve, approve_with_changes, split, exclude_files",
                    hint: "to reject, run `casparian amend reject \(amendmentID)`")
            }
            let changes = try change.changes()
            if act != .approveWithChanges, act != .split, !changes.isEmpty {
                throw CasparianError(.usage, "change options need --action approve_with_changes (or split)")
            }
            let decision = AmendmentDecision(
                action: act, changes: changes.isEmpty ? nil : changes, splitOutput: splitOutput,
                decidedBy: by ?? Approver.current, note: note)
            let r = try workspace.existing().decideAmendment(
                id: amendmentID, decision: decision, pluginsDirectory: plugins.map { URL(fileURLWithPath: $0) })
            if json { return try Output.printJSON(AmendReport(amendment: r.amendment, contract: r.contract, contractFile: r.contractFile)) }
            ContractPrinter.amendment(r.amendment)
            if let c = r.contract {
                Output.line(Style.green("contract \(c.plugin) is now version \(c.version)"))
                ContractPrinter.schemas(c)
            }
            if let f = r.contractFile { Output.line("wrote \(f)") }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reject", abstract: "Reject an amendment (the contract does not change).")
        @Argument(help: "The amendment's id.")
        var amendmentID: String
        @Option(help: "Who rejects (default: $USER).")
        var by: String?
        @Option(help: "Why.")
        var note: String?
        @Flag(help: "Print JSON.")
        var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let r = try workspace.existing().decideAmendment(
                id: amendmentID, decision: AmendmentDecision(action: .reject, decidedBy: by ?? Approver.current, note: note))
            if json { return try Output.printJSON(AmendReport(amendment: r.amendment, contract: nil, contractFile: nil)) }
            ContractPrinter.amendment(r.amendment)
        }
    }

    struct AmendReport: Encodable {
        var amendment: Amendment
        var contract: SchemaContract?
        var contractFile: String?
    }
}

/// Violations handed to `amend propose --from-violations`: a summary, or a
/// plain list.
enum ViolationFile {
    static func load(_ path: String) throws -> ViolationSummary {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CasparianError(.notFound, "cannot read \(path): \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        if let summary = try? decoder.decode(ViolationSummary.self, from: data) { return summary }
        do {
            return ViolationSummary(violations: try decoder.decode([Violation].self, from: data))
        } catch {
            throw CasparianError(
                .usage, "\(path) is neither a violation summary nor a list of violations (\(error))",
                hint:
                    "pass the JSON a backtest reports, e.g. [{\"kind\": \"type_mismatch\", \"file\": …, \"row\": 3, \"column\": …, \"expected\": …, \"got\": …, \"got_type\": \"str\", \"output\": …}]"
            )
        }
    }
}
