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

    /// The name the built-in reader goes by: `--plugin csv`, MCP's
    /// `plugin: "csv"`, and what its discoveries are stored under.
    public static let builtinName = "csv"

    /// The name discoveries are stored under.
    public var name: String {
        switch self {
        case .builtinCSV: return Self.builtinName
        case .plugin(let p, _): return p.name
        }
    }
}

/// What a discovery is doing when it reports progress: the built-in
/// reader reads every file's header first (to group files into families),
/// then the files' values.
public enum DiscoveryStage: String, Sendable {
    case headers = "headers read"
    case values = "files read"
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

/// A CSV file whose structure is broken: reported, never absorbed.
public struct DiscoveryStructureProblem: Codable, Sendable, Equatable {
    public var file: String
    /// The 0-based data row where it starts.
    public var row: Int
    /// The 1-based line where it starts (LF, CR and CRLF end lines, inside
    /// quoted fields too, so an editor's line number).
    public var line: Int
    /// The byte offset where it starts: of the opening quote never closed,
    /// of the first ragged row. In the file's own bytes for UTF-8 files; in
    /// the text as converted to UTF-8 for others, and of the decompressed
    /// text for gzip.
    public var byteOffset: Int
    public var problem: String
    /// Rows affected: the lines read into a field never closed, or the
    /// rows with the wrong number of fields.
    public var rows: Int

    public init(file: String, row: Int, line: Int, byteOffset: Int, problem: String, rows: Int) {
        self.file = file
        self.row = row
        self.line = line
        self.byteOffset = byteOffset
        self.problem = problem
        self.rows = rows
    }

    enum CodingKeys: String, CodingKey {
        case file, row, line, problem, rows
        case byteOffset = "byte_offset"
    }
}

extension DiscoveryStructureProblem {
    /// What a reader that read its whole file found wrong with its structure.
    public static func found(in reader: CSVReader, file: String) -> [DiscoveryStructureProblem] {
        let quote = reader.unterminatedQuoteRow.flatMap { row in reader.unterminatedQuoteOffset.map { (row, $0) } }
        let ragged =
            reader.raggedRecords > 0 ? reader.firstRaggedRow.flatMap { row in reader.firstRaggedOffset.map { (row, $0) } } : nil
        guard quote != nil || ragged != nil else { return [] }
        // Lines are counted only for a file with something to report.
        let offsets = [quote?.1, ragged?.1].compactMap { $0 }
        let found = try? reader.lines(at: offsets, countAll: quote != nil)
        var lines = found?.lines[...] ?? []
        var problems: [DiscoveryStructureProblem] = []
        if case let (row, offset)? = quote {
            let line = lines.popFirst() ?? 0
            let swallowed = max(1, (found?.total ?? line) - line + 1)
            problems.append(
                DiscoveryStructureProblem(
                    file: file, row: row, line: line, byteOffset: offset,
                    problem:
                        "a quoted field opened on line \(line) (byte \(offset), row \(row)) is never closed: the rest of the file (\(swallowed) line\(swallowed == 1 ? "" : "s")) was read into that one field",
                    rows: swallowed))
        }
        if case let (row, offset)? = ragged {
            let line = lines.popFirst() ?? 0
            let n = reader.raggedRecords
            problems.append(
                DiscoveryStructureProblem(
                    file: file, row: row, line: line, byteOffset: offset,
                    problem:
                        "\(n) row\(n == 1 ? "" : "s") do not have the header's \(reader.columnNames.count) fields (the first: line \(line), byte \(offset), row \(row)); missing fields read as null, extra fields are dropped",
                    rows: n))
        }
        return problems
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
    /// CSV files read whose structure is broken (a quote never closed, rows
    /// with too many or too few fields).
    public var structure: [DiscoveryStructureProblem] = []
    /// The most rows of one file held in memory at once (a plugin's files
    /// stream; one waiting for its turn holds at most `DiscoverySink.maxWaitingRows`).
    var peakHeldRows = 0
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
    /// the built-in CSV plugin). `progress` sees the stage, files done in
    /// it and the total.
    /// Stops with `CancellationError` when its task is cancelled. Stores
    /// nothing: `Workspace.discover` records it as a run and keeps the result.
    public func discover(
        paths: [String], parser: DiscoveryParser,
        progress: @escaping @Sendable (_ stage: DiscoveryStage, _ done: Int, _ total: Int) -> Void = { _, _, _ in }
    ) async throws -> DiscoveryRun {
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
            let why =
                if case .plugin(let p, _) = parser, let pattern = p.pattern {
                    "no file under \(paths.joined(separator: ", ")) matches the plugin's pattern \(pattern)"
                } else {
                    "no delimited text files (\(FileSet.delimitedExtensions.sorted().joined(separator: ", "))) under \(paths.joined(separator: ", "))"
                }
            throw CasparianError(.notFound, why, hint: "check the paths, or name the files directly")
        }
        let files = set.sampled(options.plan)
        var run: DiscoveryRun
        switch parser {
        case .builtinCSV: run = try discoverCSV(files, progress: progress)
        case .plugin(let p, let env):
            run = try await discoverPlugin(files, plugin: p, environment: env) { done, total in progress(.values, done, total) }
        }
        try Task.checkCancellation()
        run.filesFound = set.entries.count
        run.skipped = skipped
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
            do { a = try FormatAnalyzer.analyze(path: e.path) } catch {
                kept.entries.append(e)
                continue
            }
            let named = paths.contains(e.name)
            // `data.csv.gz` has a delimited-text name once `.gz` is dropped.
            var url = URL(fileURLWithPath: e.path)
            if url.pathExtension.lowercased() == "gz" { url.deletePathExtension() }
            let delimitedName = FileSet.delimitedExtensions.contains(url.pathExtension.lowercased())
            // Unreadable gzip with such a name goes to the reader, which says what is wrong with it.
            if (a.format.isDelimited && (a.confidence >= 0.5 || delimitedName || named))
                || ((a.format == .text || a.format == .gzip) && (delimitedName || named))
            {
                kept.entries.append(e)
            } else {
                skipped.append(
                    DiscoverySkip(
                        file: e.name, format: a.format, confidence: a.confidence, evidence: a.evidence,
                        compression: a.compression))
            }
        }
        if kept.entries.isEmpty && !skipped.isEmpty {
            let counts = DiscoverySkip.counts(skipped)
            throw CasparianError(
                .notFound, "no CSV/TSV files under \(paths.joined(separator: ", ")): found \(counts)",
                hint: "the built-in reader reads CSV/TSV only; these formats need a user plugin: "
                    + "`casparian new NAME`, then `casparian discover PATH --plugin NAME`")
        }
        return (kept, skipped)
    }

    func discoverCSV(_ files: [FileSet.Entry], progress: @Sendable (DiscoveryStage, Int, Int) -> Void) throws -> DiscoveryRun {
        // Each file's header first (sniffed once; the dialect is reused below):
        // files group into families by their columns, one output each.
        var dialects: [CSVDialect?] = []
        var headers: [[String]?] = []
        for (k, f) in files.enumerated() {
            try Task.checkCancellation()
            // A big folder's headers take a while: this pass reports its progress too.
            defer { progress(.headers, k + 1, files.count) }
            let reader = try? CSVReader(path: f.path)
            dialects.append(reader?.dialect)
            // Files without a header are alike only when they have as many columns.
            headers.append(reader.map { $0.dialect.hasHeader ? $0.columnNames : ["\u{1}headerless \($0.columnNames.count) columns"] })
        }
        let families = FileFamilies.group(columns: headers, names: files.map(\.name))
        var familyOf = [String](repeating: DiscoveryParser.builtinName, count: files.count)
        for family in families { for i in family.files { familyOf[i] = family.name } }
        var inference = StreamingInference(options: options.inference)
        var failures: [DiscoveryFailure] = []
        var fed: [String: [String]] = [:]
        var structure: [DiscoveryStructureProblem] = []
        var read = 0
        for (i, f) in files.enumerated() {
            if inference.isSatisfied { break }
            try Task.checkCancellation()
            defer { progress(.values, read + failures.count, files.count) }
            // A file that fails part-way (a truncated or damaged .gz) contributes no values at all.
            let before = inference
            do {
                let reader = try inference.feed(csvFile: f.path, name: f.name, output: familyOf[i], dialect: dialects[i])
                read += 1
                fed[familyOf[i], default: []].append(f.name)
                structure += DiscoveryStructureProblem.found(in: reader, file: f.name)
                if let nul = reader.toleratedNUL { logger.notice("\(f.name): \(nul)") }
            } catch let e as CasparianError {
                inference = before
                failures.append(DiscoveryFailure(file: f.name, category: e.kind.rawValue, message: e.message))
            } catch {
                inference = before
                failures.append(DiscoveryFailure(file: f.name, category: "internal", message: "\(error)"))
            }
        }
        var result = inference.finish()
        for k in result.outputs.indices {
            let names = fed[result.outputs[k].name] ?? []
            result.outputs[k].files = names
            result.outputs[k].fileCount = names.count
            let members = families.first { $0.name == result.outputs[k].name }?.files ?? []
            let near = FileFamilies.nearDuplicates(columns: members.map { (files[$0].name, headers[$0] ?? []) })
            if !near.isEmpty { result.outputs[k].nearDuplicates = near }
        }
        var run = DiscoveryRun(
            result: result, discoveryID: nil, parser: DiscoveryParser.builtinName, filesFound: files.count,
            filesRead: read, stoppedEarly: read + failures.count < files.count, failures: failures)
        run.structure = structure
        return run
    }

    func discoverPlugin(
        _ files: [FileSet.Entry], plugin: PluginDirectory, environment: WorkerEnvironment,
        progress: @escaping @Sendable (Int, Int) -> Void
    ) async throws -> DiscoveryRun {
        let pool = WorkerPool(
            environment: environment, size: options.workers ?? ProcessInfo.processInfo.activeProcessorCount,
            logger: logger)
        defer { pool.shutdown() }
        let sink = DiscoverySink(options: options.inference) { done in progress(done, files.count) }
        let jobs = files.enumerated().map { ParseJob(index: $0, path: $1.path) }
        let names = files.map(\.name)
        // In rounds, so discovery can stop once every column is settled.
        let round = max(1, pool.size * 2)
        var next = 0
        while next < jobs.count, !sink.isSatisfied {
            let slice = Array(jobs[next..<min(next + round, jobs.count)])
            next += slice.count
            // A lane waiting for its file's turn must not outlive a cancelled run.
            try await withTaskCancellationHandler {
                try await runRound(pool: pool, plugin: plugin, slice: slice, sink: sink, names: names)
            } onCancel: {
                sink.cancel()
            }
        }
        let (result, failures, read) = sink.finish()
        var run = DiscoveryRun(
            result: result, discoveryID: nil, parser: plugin.name, filesFound: files.count,
            filesRead: read, stoppedEarly: next < jobs.count, failures: failures)
        run.peakHeldRows = sink.peakHeldRows
        return run
    }
}

extension DiscoveryEngine {
    func runRound(pool: WorkerPool, plugin: PluginDirectory, slice: [ParseJob], sink: DiscoverySink, names: [String]) async throws {
        try await pool.run(
            plugin: plugin, jobs: slice,
            callbacks: ParseCallbacks(
                onEvent: { job, event in if case .batch(let b) = event { sink.take(b, job: job.index, name: names[job.index]) } },
                onFinish: { job, outcome, _ in sink.finish(job: job.index, name: names[job.index], outcome: outcome) },
                onRetry: { job, _ in sink.discard(job: job.index) }))
    }
}

/// Feeds what workers yield into one inference in job order (so results
/// do not depend on timing). The file first in order (the head) is fed as
/// its batches arrive, after a snapshot of the inference, so a file holds no
/// rows in memory however large it is; if it fails (or is retried) the
/// snapshot is put back, and a failed file contributes no values, only a
/// failure. Files after the head wait in memory until they are the head, at
/// most `maxWaitingRows` rows each: past that their lane waits (and with it
/// their worker, through the pipe).
final class DiscoverySink: @unchecked Sendable {
    /// Rows a file after the head may hold while it waits for its turn.
    static let maxWaitingRows = 262_144

    private let lock = NSCondition()
    private var inference: StreamingInference
    private var pending: [Int: [RowBatch]] = [:]
    private var pendingRows: [Int: Int] = [:]
    private var pendingNames: [Int: String] = [:]
    private var done: [Int: (name: String, outcome: FileOutcome)] = [:]
    private var nextToFeed = 0
    /// The inference before the head's first value, while the head streams.
    private var snapshot: StreamingInference?
    private var failures: [DiscoveryFailure] = []
    private var read = 0
    private var peak = 0
    private var cancelled = false
    /// Sees how many files are done (in order), as each is.
    private let onFileDone: @Sendable (Int) -> Void

    init(options: InferenceOptions, onFileDone: @escaping @Sendable (Int) -> Void = { _ in }) {
        inference = StreamingInference(options: options)
        self.onFileDone = onFileDone
    }

    func take(_ batch: RowBatch, job: Int, name: String) {
        lock.lock()
        defer { lock.unlock() }
        while job != nextToFeed && pendingRows[job, default: 0] >= Self.maxWaitingRows && !cancelled { lock.wait() }
        if cancelled { return }
        if job == nextToFeed {
            if snapshot == nil { snapshot = inference }
            inference.feed(batch: batch, file: name)
            peak = max(peak, batch.rowCount)
        } else {
            pending[job, default: []].append(batch)
            pendingNames[job] = name
            pendingRows[job, default: 0] += batch.rowCount
            peak = max(peak, pendingRows[job]!)
        }
    }

    /// The most rows of one file held in memory at once.
    var peakHeldRows: Int { lock.withLock { peak } }

    /// The run was cancelled: lanes waiting for their turn go on (and drop what they yield).
    func cancel() {
        lock.withLock {
            cancelled = true
            lock.broadcast()
        }
    }

    /// The file is tried again: what the failed attempt produced is dropped.
    func discard(job: Int) {
        lock.withLock {
            if job == nextToFeed, let before = snapshot {
                inference = before
                snapshot = nil
            }
            pending.removeValue(forKey: job)
            pendingRows.removeValue(forKey: job)
            pendingNames.removeValue(forKey: job)
            lock.broadcast()
        }
    }

    func finish(job: Int, name: String, outcome: FileOutcome) {
        lock.lock()
        done[job] = (name, outcome)
        while let (name, outcome) = done.removeValue(forKey: nextToFeed) {
            switch outcome {
            case .parsed:
                read += 1
                inference.noteFile(name)
            case .failed(let f):
                if let before = snapshot { inference = before }
                failures.append(DiscoveryFailure(file: name, category: f.category.rawValue, message: f.detail))
            }
            snapshot = nil
            nextToFeed += 1
            // The next file becomes the head: what it yielded so far is fed now, the rest as it comes.
            if let batches = pending.removeValue(forKey: nextToFeed), let file = pendingNames.removeValue(forKey: nextToFeed) {
                pendingRows.removeValue(forKey: nextToFeed)
                snapshot = inference
                for b in batches { inference.feed(batch: b, file: file) }
            }
        }
        lock.broadcast()
        let fed = nextToFeed
        lock.unlock()
        onFileDone(fed)
    }

    var isSatisfied: Bool { lock.withLock { inference.isSatisfied } }

    func finish() -> (DiscoveryResult, [DiscoveryFailure], Int) {
        lock.withLock { (inference.finish(), failures, read) }
    }
}
