import CasparianCore
import Catalog
import Foundation

/// Where a job stands, as its `progress_json` records it.
public struct JobProgress: Codable, Sendable, Equatable {
    public var filesDone: Int
    public var filesTotal: Int
    /// Backtests: files that passed and failed so far.
    public var passed: Int?
    public var failed: Int?
    /// Executes: rows written so far.
    public var rowsWritten: Int?
    public var lastFile: String?
    /// A stage before the files are done one by one (a discovery reading
    /// every file's header first: `headers read`); nil otherwise.
    public var stage: String?

    public init(
        filesDone: Int, filesTotal: Int, passed: Int? = nil, failed: Int? = nil, rowsWritten: Int? = nil, lastFile: String? = nil,
        stage: String? = nil
    ) {
        self.filesDone = filesDone
        self.filesTotal = filesTotal
        self.passed = passed
        self.failed = failed
        self.rowsWritten = rowsWritten
        self.lastFile = lastFile
        self.stage = stage
    }

    enum CodingKeys: String, CodingKey {
        case passed, failed, stage
        case filesDone = "files_done"
        case filesTotal = "files_total"
        case rowsWritten = "rows_written"
        case lastFile = "last_file"
    }
}

/// How a running job talks to the catalog: it publishes its progress (at
/// most every `interval`) and polls for a cancel request, so any process —
/// the CLI, the MCP server — can follow and stop it.
public final class JobControl: @unchecked Sendable {
    public let runID: String
    let catalog: Catalog
    let interval: Duration
    private let lock = NSLock()
    /// The first write comes one interval into the job: the file results
    /// that come sooner do not each wait for a catalog write, and a job
    /// shorter than that records its progress only when it ends.
    private var lastWrite = ContinuousClock.now  // guarded by lock

    /// How often a running job polls for a cancel request by default.
    public static let defaultInterval: Duration = .milliseconds(250)

    public init(catalog: Catalog, runID: String, interval: Duration = JobControl.defaultInterval) {
        self.catalog = catalog
        self.runID = runID
        self.interval = interval
    }

    /// Publishes `progress` as the run's `progress_json`, unless the last
    /// write was less than `interval` ago (`force` writes anyway).
    public func publish(_ progress: JobProgress, force: Bool = false) {
        let now = ContinuousClock.now
        let due = lock.withLock {
            guard force || now - lastWrite >= interval else { return false }
            lastWrite = now
            return true
        }
        guard due, let json = try? progress.jsonText() else { return }
        try? catalog.updateRunProgress(id: runID, progressJSON: json)
    }

    /// Runs `body`, cancelling it when the catalog says someone asked this
    /// run to stop (or when the caller's task is cancelled). `body` sees a
    /// plain task cancellation.
    public func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let work = Task { try await body() }
        let watcher = Task { [catalog, runID, interval] in
            while !Task.isCancelled {
                if (try? catalog.isCancelRequested(id: runID)) == true {
                    work.cancel()
                    return
                }
                try? await Task.sleep(for: interval)
            }
        }
        defer { watcher.cancel() }
        return try await withTaskCancellationHandler {
            try await work.value
        } onCancel: {
            work.cancel()
        }
    }
}
