import ArgumentParser
import CLISupport
import CasparianCore
import Foundation
import Inference
import Workspace

struct DiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "Run a parser over files and prove the column types of what it emits.",
        discussion: """
            Every value is evidence: each column starts with every type and format possible \
            and keeps what no value contradicts. Columns come out resolved (proven), ambiguous \
            (with the question to answer) or contradiction (which files or rows disagree). \
            The discovery is stored in the workspace; its id is printed.

            Examples:
              casparian discover examples/sales/data
              casparian discover data/ --plugin plugins/sales --json
            Exit codes: 0 done, 1 some files failed to parse (listed), 2 usage.
            """)

    @Argument(help: "Files or folders (searched recursively).")
    var paths: [String]

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The parser: `csv` (the built-in CSV/TSV reader, the default), a plugin of the workspace's plugins folder, or a plugin folder.",
            valueName: "NAME|DIR"))
    var plugin: String = DiscoveryParser.builtinName

    @Flag(help: "Print one JSON document instead of tables.")
    var json = false

    @Flag(help: "No progress output.")
    var quiet = false

    @Flag(help: "Read a sample of large file sets (first, last, largest and random files per name pattern).")
    var sample = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Stop reading once every column is settled and has at least N values.", valueName: "N"))
    var stopAfter: Int?

    @Option(name: .long, help: "The workspace folder (default: the nearest enclosing .casparian/, else here).")
    var workspace: String?

    @OptionGroup var python: PythonOptions

    func validate() throws {
        if let stopAfter, stopAfter < 1 { throw ValidationError("--stop-after must be at least 1 (got \(stopAfter))") }
    }

    func run() async throws {
        let ws = try Workspace.open(
            explicit: workspace.map { URL(fileURLWithPath: $0) },
            from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let parser = try resolveParser(ws)
        let options = DiscoveryOptions(
            plan: sample ? SamplePlan() : nil,
            inference: InferenceOptions(earlyStopValues: stopAfter))
        // On stderr: the headers pass first (the built-in reader groups files by them), then the values.
        let bar = ProgressReporter(label: "discover", unit: "files", quiet: quiet || json)
        let run = try await ws.discover(paths: paths, parser: parser, options: options) { stage, done, total in
            bar.update(done: done, total: total, detail: stage.rawValue)
        }
        bar.finish()
        if json {
            try Output.printJSON(DiscoverReport(run))
        } else {
            DiscoverCommand.printHuman(run)
        }
        if !run.failures.isEmpty { throw ExitCode(1) }
    }

    func resolveParser(_ ws: Workspace) throws -> DiscoveryParser {
        if plugin == DiscoveryParser.builtinName { return .builtinCSV }
        let dir = try ws.plugin(reference: plugin)
        return .plugin(dir, python.environment(pluginDirectory: dir.url))
    }
}

/// The `--json` document: the discovery result's fields plus where it is stored.
struct DiscoverReport: Encodable {
    var files: Int
    var rows: Int
    var outputs: [OutputInference]
    var discoveryId: String?
    var parser: String
    var filesFound: Int
    var filesRead: Int
    var stoppedEarly: Bool
    var failures: [DiscoveryFailure]
    var skipped: [DiscoverySkip]
    var structure: [DiscoveryStructureProblem]

    init(_ run: DiscoveryRun) {
        files = run.result.files
        rows = run.result.rows
        outputs = run.result.outputs
        discoveryId = run.discoveryID
        parser = run.parser
        filesFound = run.filesFound
        filesRead = run.filesRead
        stoppedEarly = run.stoppedEarly
        failures = run.failures
        skipped = run.skipped
        structure = run.structure
    }
}
