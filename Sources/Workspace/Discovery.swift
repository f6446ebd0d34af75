import CasparianCore
import Foundation
import Inference
import Logging
import PluginHost

/// Which parser discovery runs.
public enum DiscoveryParser: Sendable {
    /// The built-in CSV/TSV plugin, read by the native Swift reader.
    case builtinCSV
    /// A user plugin, run in worker processes.
    case plugin(PluginDirectory, WorkerEnvironment)

    /// The name discoveries are stored under.
    public var name: String {
        switch self {
        case .builtinCSV: return "csv"
        case .plugin(let p, _): return p.name
        }
    }
}

/// Options of a discovery.
public struct DiscoveryOptions: Sendable {
    /// Which files of a large set to read; nil reads every file.
    public var plan: SamplePlan?
    public var inference: InferenceOptions
    /// Workers for a user plugin (default: one per core).
    public var workers: Int?

    public init(plan: SamplePlan? = nil, inference: InferenceOptions = InferenceOptions(), workers: Int? = nil) {
        self.plan = plan
        self.inference = inference
        self.workers = workers
    }
}

/// A file discovery could not read, and why; the rest of the run goes on.
public struct DiscoveryFailure: Codable, Sendable, Equatable {
    public var file: String
    public var category: String
    public var message: String
    public init(file: String, category: String, message: String) {
        self.file = file
        self.category = category
        self.message = message
    }
}

/// A file the built-in CSV/TSV reader left alone because its bytes are in
/// another format (JSON Lines, Parquet, gzip, …) that needs a user plugin.
public struct DiscoverySkip: Codable, Sendable, Equatable {
    public var file: String
    public var format: FileFormat
    public var confidence: Double
    public var evidence: [String]
    /// Set when `format` is the content of a compressed file.
    public var compression: Compression? = nil
    /// `binary`, `json (gzip)`.
    public var label: String { format.label(compression: compression) }

    /// "2 binary, 1 json (gzip)": how many files of each format were skipped.
    public static func counts(_ skipped: [DiscoverySkip]) -> String {
        Dictionary(grouping: skipped, by: \.label).sorted { $0.key < $1.key }
            .map { "\($0.value.count) \($0.key)" }.joined(separator: ", ")
    }
}

/// What a discovery produced.
public struct DiscoveryRun: Sendable {
    public var result: DiscoveryResult
    /// The catalog id, when it was stored in a workspace.
    public var discoveryID: String?
    public var parser: String
    /// Files found before sampling, and files actually read.
    public var filesFound: Int
    public var filesRead: Int
    /// True when every column settled and the rest was skipped.
    public var stoppedEarly: Bool
    public var failures: [DiscoveryFailure]
    /// Files of other formats the built-in reader did not read.
    public var skipped: [DiscoverySkip] = []
}

/// Runs a parser over a set of files and proves the types of what it emits:
/// the `discover` step of the flow, shared by the CLI and MCP.
public struct DiscoveryEngine: Sendable {
    public var options: DiscoveryOptions
    let logger: Logger

    public init(options: DiscoveryOptions = DiscoveryOptions(), logger: Logger = Logger(label: "casparian.discover")) {
        self.options = options
        self.logger = logger
    }

    /// Discovers `paths` (files, or folders expanded recursively: only the
    /// files matching a plugin's `pattern`, or delimited-text extensions for
    /// the built-in CSV plugin). Stores the result in `workspace` when given.
    public func discover(paths: [String], parser: DiscoveryParser, workspace: Workspace? = nil) async throws -> DiscoveryRun {
        guard !paths.isEmpty else {
            throw CasparianError(.usage, "no files or folders to discover", hint: "pass one or more paths, e.g. `casparian discover data/`")
        }
        var set: FileSet
        switch parser {
        case .builtinCSV: set = try FileSet(paths: paths, pattern: nil, extensions: nil)
        case .plugin(let p, _): set = try FileSet(paths: paths, pattern: p.pattern, extensions: nil)
        }
        var skipped: [DiscoverySkip] = []
        if case .builtinCSV = parser { (set, skipped) = try Self.delimitedOnly(set, paths: paths) }
        guard !set.entries.isEmpty else {
            let why = if case .plugin(let p, _) = parser, let pattern = p.pattern {
                "no file under \(paths.joined(separator: ", ")) matches the plugin's pattern \(pattern)"
            } else {
                "no delimited text files (\(FileSet.delimitedExtensions.sorted().joined(separator: ", "))) under \(paths.joined(separator: ", "))"
            }
            throw CasparianError(.notFound, why, hint: "check the paths, or name the files directly")
        }
        let files = set.sampled(options.plan)
        var run: DiscoveryRun
        switch parser {
        case .builtinCSV: run = discoverCSV(files)
        case .plugin(let p, let env): run = try await discoverPlugin(files, plugin: p, environment: env)
        }
        run.filesFound = set.entries.count
        run.skipped = skipped
        if let workspace {
            run.discoveryID = try workspace.catalog.saveDiscovery(plugin: parser.name, scopeID: nil, result: run.result)
        }
        return run
    }

    /// The files the built-in reader takes, by their bytes: CSV/TSV, plain
    /// or gzip (a weak guess only with a delimited-text extension, `.gz`
    /// aside, or named directly), and unstructured text or gzip that does
    /// not inflate with such an extension (the reader then says what is wrong). Throws, naming the
    /// formats found, when no file is left.
    static func delimitedOnly(_ set: FileSet, paths: [String]) throws -> (FileSet, [DiscoverySkip]) {
        var kept = set
        kept.entries = []
        var skipped: [DiscoverySkip] = []
        for e in set.entries {
            let a: FormatAnalysis
            do { a = try FormatAnalyzer.analyze(path: e.path) } catch { kept.entries.append(e); continue }
            let named = paths.contains(e.name)
            // `data.csv.gz` has a delimited-text name once `.gz` is dropped.
            var url = URL(fileURLWithPath: e.path)
            if url.pathExtension.lowercased() == "gz" { url.deletePathExtension() }
            let delimitedName = FileSet.delimitedExtensions.contains(url.pathExtension.lowercased())
            // Unreadable gzip with such a name goes to the reader, which says what is wrong with it.
            if (a.format.isDelimited && (a.confidence >= 0.5 || delimitedName || named))
                || ((a.format == .text || a.format == .gzip) && (delimitedName || named)) {
                kept.entries.append(e)
            } else {
                skipped.append(DiscoverySkip(file: e.name, format: a.format, confidence: a.confidence, evidence: a.evidence,
                                             compression: a.compression))
            }
        }
        if kept.entries.isEmpty && !skipped.isEmpty {
            let counts = DiscoverySkip.counts(skipped)
            throw CasparianError(.notFound, "no CSV/TSV files under \(paths.joined(separator: ", ")): found \(counts)",
                                 hint: "the built-in reader reads CSV/TSV only; these formats need a user plugin: "
                                     + "`casparian new NAME`, then `casparian discover PATH --plugin NAME`")
        }
        return (kept, skipped)
    }

    func discoverCSV(_ files: [FileSet.Entry]) -> DiscoveryRun {
        var inference = StreamingInference(options: options.inference)
        var failures: [DiscoveryFailure] = []
        var read = 0
        for f in files {
            if inference.isSatisfied { break }
            // A file that fails part-way (a truncated or damaged .gz) contributes no values at all.
            let before = inference
            do {
                let reader = try inference.feed(csvFile: f.path, name: f.name)
                read += 1
                if reader.raggedRecords > 0 {
                    logger.info("\(f.name): \(reader.raggedRecords) records do not have \(reader.columnNames.count) fields")
                }
                if let nul = reader.toleratedNUL { logger.notice("\(f.name): \(nul)") }
            } catch let e as CasparianError {
                inference = before
                failures.append(DiscoveryFailure(file: f.name, category: e.kind.rawValue, message: e.message))
            } catch {
                inference = before
                failures.append(DiscoveryFailure(file: f.name, category: "internal", message: "\(error)"))
            }
        }
        return DiscoveryRun(result: inference.finish(), discoveryID: nil, parser: "csv", filesFound: files.count,
                            filesRead: read, stoppedEarly: read + failures.count < files.count, failures: failures)
    }

    func discoverPlugin(_ files: [FileSet.Entry], plugin: PluginDirectory,
                        environment: WorkerEnvironment) async throws -> DiscoveryRun {
        let pool = WorkerPool(environment: environment, size: options.workers ?? ProcessInfo.processInfo.activeProcessorCount,
                              logger: logger)
        defer { pool.shutdown() }
        let sink = DiscoverySink(options: options.inference)
        let jobs = files.enumerated().map { ParseJob(index: $0, path: $1.path) }
        let names = files.map(\.name)
        // In rounds, so discovery can stop once every column is settled.
        let round = max(1, pool.size * 2)
        var next = 0
        while next < jobs.count, !sink.isSatisfied {
            let slice = Array(jobs[next..<min(next + round, jobs.count)])
            next += slice.count
            try await pool.run(plugin: plugin, jobs: slice, callbacks: ParseCallbacks(
                onEvent: { job, event in if case .batch(let b) = event { sink.take(b, job: job.index) } },
                onFinish: { job, outcome, _ in sink.finish(job: job.index, name: names[job.index], outcome: outcome) },
                onRetry: { job, _ in sink.discard(job: job.index) }))
        }
        let (result, failures, read) = sink.finish()
        return DiscoveryRun(result: result, discoveryID: nil, parser: plugin.name, filesFound: files.count,
                            filesRead: read, stoppedEarly: next < jobs.count, failures: failures)
    }
}

/// Collects batches per file while workers run in parallel and feeds each
/// file whole, in job order (so results do not depend on timing), when it
/// and every file before it finished. A file the plugin failed on
/// contributes no values, only a failure.
final class DiscoverySink: @unchecked Sendable {
    private let lock = NSLock()
    private var inference: StreamingInference
    private var pending: [Int: [RowBatch]] = [:]
    private var done: [Int: (name: String, outcome: FileOutcome)] = [:]
    private var nextToFeed = 0
    private var failures: [DiscoveryFailure] = []
    private var read = 0

    init(options: InferenceOptions) { inference = StreamingInference(options: options) }

    func take(_ batch: RowBatch, job: Int) {
        lock.withLock { pending[job, default: []].append(batch) }
    }

    /// The file is tried again: what the failed attempt produced is dropped.
    func discard(job: Int) {
        _ = lock.withLock { pending.removeValue(forKey: job) }
    }

    func finish(job: Int, name: String, outcome: FileOutcome) {
        lock.withLock {
            done[job] = (name, outcome)
            while let (name, outcome) = done.removeValue(forKey: nextToFeed) {
                let batches = pending.removeValue(forKey: nextToFeed) ?? []
                nextToFeed += 1
                switch outcome {
                case .parsed:
                    read += 1
                    inference.noteFile(name)
                    for b in batches { inference.feed(batch: b, file: name) }
                case .failed(let f):
                    failures.append(DiscoveryFailure(file: name, category: f.category.rawValue, message: f.detail))
                }
            }
        }
    }

    var isSatisfied: Bool { lock.withLock { inference.isSatisfied } }

    func finish() -> (DiscoveryResult, [DiscoveryFailure], Int) {
        lock.withLock { (inference.finish(), failures, read) }
    }
}
