import CLISupport
import Foundation
import Inference
import Workspace

extension DiscoverCommand {
    /// Per output a table, then the open questions with what to answer.
    static func printHuman(_ run: DiscoveryRun) {
        let r = run.result
        var head = "\(r.files) files, \(r.rows) rows · parser \(run.parser)"
        if run.filesRead < run.filesFound { head += " · read \(run.filesRead) of \(run.filesFound) files" }
        if run.stoppedEarly { head += " (stopped early: every column settled)" }
        if let id = run.discoveryID { head += " · discovery \(id)" }
        Output.line(Style.dim(head))
        var questions: [(String, ColumnInference)] = []
        var notes: [(String, ColumnInference)] = []
        for output in r.outputs {
            Output.line("")
            Output.line(Style.bold(output.name))
            let rows = output.columns.map { c -> [String?] in
                [
                    c.name, c.status == .resolved ? c.type.rawValue : candidatesText(c), c.format ?? "",
                    c.nullable
                        ? "yes" + (c.nullSentinels.isEmpty ? "" : " (" + c.nullSentinels.map { "\"\($0)\"" }.joined(separator: ", ") + ")")
                        : "no",
                    statusText(c.status),
                ]
            }
            Output.line(TableRenderer(headers: ["column", "type", "format", "nullable", "status"], rows: rows).render())
            if let count = output.fileCount, count > 1 { Output.line(Style.dim("  \(count) files")) }
            for d in output.nearDuplicates ?? [] {
                let usage = d.spellings.map { "\($0) (\(d.files[$0]?.first ?? "?")\((d.files[$0]?.count ?? 0) > 1 ? ", …" : ""))" }
                Output.line(
                    Style.yellow("  probably one column, spelled differently: ") + usage.joined(separator: " / ")
                        + Style.dim(" — rename in a plugin, or --override COLUMN.rename_to=NAME at approval"))
            }
            questions += output.columns.filter { $0.status != .resolved }.map { (output.name, $0) }
            notes += output.columns.filter { $0.status == .resolved && $0.note != nil }.map { (output.name, $0) }
        }
        if !notes.isEmpty {
            Output.line("")
            Output.line(
                Style.bold("Settled without a question") + Style.dim(" (nothing in the data decides, and the choice loses nothing)"))
            for (output, c) in notes.prefix(20) { Output.line("  \(output).\(c.name): \(c.note ?? "")") }
            if notes.count > 20 { Output.line(Style.dim("  … and \(notes.count - 20) more (--json has every column's note)")) }
        }
        if !questions.isEmpty {
            Output.line("")
            Output.line(Style.bold("Open questions"))
            for (k, (output, c)) in questions.enumerated() {
                Output.line("\(k + 1). \(output).\(c.name) — \(c.status.rawValue)")
                if let q = c.question { Output.line("   " + q) }
                Output.line(Style.dim("   answer: " + answerHint(c)))
            }
        }
        if !run.failures.isEmpty {
            Output.line("")
            Output.line(Style.red("\(run.failures.count) files failed") + " (their values are not part of the result):")
            for f in run.failures { Output.line("  \(f.file): \(f.category): \(f.message)") }
        }
        if !run.structure.isEmpty {
            Output.line("")
            Output.line(
                Style.yellow("\(run.structure.count) file\(run.structure.count == 1 ? " has" : "s have") broken CSV structure")
                    + " (read, and reported here; fix the file or handle it in a plugin):")
            for p in run.structure.prefix(10) { Output.line("  \(p.file): \(p.problem) — \(p.rows) row\(p.rows == 1 ? "" : "s") affected") }
            if run.structure.count > 10 { Output.line(Style.dim("  … and \(run.structure.count - 10) more (--json lists all)")) }
        }
        if !run.skipped.isEmpty {
            let counts = DiscoverySkip.counts(run.skipped)
            Output.line("")
            Output.line(
                Style.yellow("skipped \(run.skipped.count) file\(run.skipped.count == 1 ? "" : "s") in other formats (\(counts))")
                    + ": the built-in reader reads CSV/TSV; write a plugin for them (`casparian new NAME`)")
            for f in run.skipped.prefix(10) { Output.line(Style.dim("  \(f.file): \(f.label) (\(f.evidence.joined(separator: "; ")))")) }
            if run.skipped.count > 10 { Output.line(Style.dim("  … and \(run.skipped.count - 10) more (--json lists all)")) }
        }
    }

    static func candidatesText(_ c: ColumnInference) -> String {
        guard !c.candidates.isEmpty else { return c.status == .ambiguous ? "?" : c.type.rawValue }
        // Formats alone when they share a type (dates); with the type when not (int64 #,##0 | float64 #.##0,#).
        let oneType = Set(c.candidates.map(\.type)).count == 1
        return c.candidates.map { cand in cand.format.map { oneType ? $0 : "\(cand.type.rawValue) \($0)" } ?? cand.type.rawValue }
            .joined(separator: " | ")
    }

    static func statusText(_ s: ColumnInference.Status) -> String {
        switch s {
        case .resolved: return Style.green("resolved")
        case .ambiguous: return Style.yellow("ambiguous")
        case .contradiction: return Style.red("contradiction")
        }
    }

    static func answerHint(_ c: ColumnInference) -> String {
        let options = c.candidates.map { cand in cand.format.map { "\(cand.type.rawValue) \($0)" } ?? cand.type.rawValue }
        switch c.status {
        case .resolved: return ""
        case .ambiguous where options.isEmpty: return "name the type (string, int64, float64, boolean, date, time, timestamp, timestamp_tz)"
        case .ambiguous: return "pick one of: " + options.joined(separator: "; ")
        case .contradiction:
            return "fix the parser so every file yields one of: " + options.joined(separator: "; ")
                + " — or decide the column is string"
        }
    }
}
