import CLISupport
import Contracts
import Foundation

/// Human-readable contracts, diffs and amendments.
enum ContractPrinter {
    static func schemas(_ c: SchemaContract) {
        for s in c.schemas {
            var title =
                Style.bold(s.output) + Style.dim("  \(s.mode.rawValue), \(s.columns.count) column\(s.columns.count == 1 ? "" : "s")")
            if let source = s.source { title += Style.dim(", rows of output \(source)") }
            if !s.files.isEmpty { title += Style.dim(", files \(s.files.joined(separator: ", "))") }
            Output.line(title)
            Output.line(
                TableRenderer(
                    headers: ["column", "type", "format", "nullable", "null sentinels", "table column", "default"],
                    rows: s.columns.map {
                        [
                            $0.name, $0.type.rawValue, $0.format, $0.nullable ? "yes" : "no",
                            $0.nullSentinels.isEmpty ? nil : $0.nullSentinels.joined(separator: " "),
                            $0.renameTo, $0.defaultValue?.description,
                        ]
                    }
                ).render())
        }
        if !c.excludedFiles.isEmpty { Output.line("excluded files: " + c.excludedFiles.joined(separator: ", ")) }
    }

    static func changes(_ changes: [ContractDiff.Change]) {
        if changes.isEmpty { return Output.line("  (no changes)") }
        for c in changes { Output.line("  " + c.summary) }
    }

    static func amendment(_ a: Amendment) {
        let status: String
        switch a.status {
        case .proposed: status = Style.yellow("proposed")
        case .approved: status = Style.green("approved")
        case .rejected: status = Style.red("rejected")
        }
        Output.line(
            "\(Style.bold(a.id)) \(status) for \(a.plugin) v\(a.baseVersion), output \(a.proposal.output) (\(a.proposal.origin.rawValue))")
        for c in a.proposal.changes { Output.line("  " + c.summary) }
        if a.proposal.changes.isEmpty { Output.line("  (no schema changes)") }
        if !a.proposal.reason.isEmpty { Output.line(Style.dim("  reason: ") + a.proposal.reason) }
        if let p = a.proposal.filePattern { Output.line(Style.dim("  files: ") + p + " (\(a.proposal.affectedFiles.count) affected)") }
        if let by = a.decidedBy {
            Output.line(
                Style.dim("  decided: ") + "\(a.action?.rawValue ?? a.status.rawValue) by \(by)"
                    + (a.resultingVersion.map { ", made version \($0)" } ?? "") + (a.note.map { " — \($0)" } ?? ""))
        }
    }
}
