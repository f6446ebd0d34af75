import ArgumentParser
import CLISupport
import CasparianCore
import Foundation
import Inference
import Workspace

struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Recognise each file's format from its bytes (not its name).",
        discussion: """
            Reads the first bytes of each file (16 KiB by default) and names its format — csv, tsv \
            (with the delimiter), json, jsonl, fixed-width, log, text, excel, parquet, gzip, zip, \
            bzip2, xz, zstd, binary, empty — with a confidence from 0 to 1 and the evidence. \
            Folders are analysed recursively (hidden entries skipped).
            Example: casparian analyze inbox/ --json
            """)

    @Argument(help: "Files or folders.")
    var paths: [String] = []

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Bytes to read from the start of each file.")
    var prefix = FormatAnalyzer.defaultPrefix

    @Flag(
        help: "Also read every CSV/TSV file whole and report broken structure: a quote never closed, rows with too many or too few fields.")
    var structure = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give one or more files or folders, e.g. `casparian analyze data/`") }
        guard prefix >= 64 else { throw ValidationError("--prefix must be at least 64 bytes (got \(prefix))") }
    }

    func run() async throws {
        let report = try FormatReport.analyze(paths: paths, prefix: prefix, structure: structure)
        if json { return try Output.printJSON(report) }
        Output.line(
            TableRenderer(
                headers: ["file", "format", "confidence", "evidence"],
                rows: report.files.map { f in
                    let a = f.analysis
                    let format = a.delimiter.map { "\(a.label) '\($0)'" } ?? a.label
                    return [f.path, format, String(format: "%.2f", a.confidence), a.evidence.joined(separator: "; ")]
                }
            ).render())
        if report.files.count > 1 {
            Output.line("\n" + Style.bold("by format") + "  " + report.byFormat.map { "\($0.label) \($0.files)" }.joined(separator: ", "))
        }
        if let problems = report.structure {
            Output.line("")
            if problems.isEmpty {
                Output.line(Style.green("structure: ") + "every CSV/TSV file reads cleanly")
            } else {
                Output.line(Style.yellow("structure: \(problems.count) problem\(problems.count == 1 ? "" : "s")"))
                for p in problems { Output.line("  \(p.file): \(p.problem) — \(p.rows) row\(p.rows == 1 ? "" : "s") affected") }
            }
        }
        for u in report.unreadable { Output.error(Style.yellow("could not read \(u.file): \(u.message)")) }
        if !report.unreadable.isEmpty { throw ExitCode(1) }
    }
}
