/// What an execute run did.
public struct ExecuteReport: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Every file was written (or skipped as unchanged).
        case done
        /// Some files failed; the others were written.
        case failed
        case cancelled
    }

    public struct FileFailure: Codable, Sendable, Equatable {
        public var path: String
        public var category: String
        public var message: String
    }

    public var runID: String
    public var plugin: String
    public var parserVersion: String
    public var contractVersion: Int
    public var status: Status
    public var filesTotal: Int
    public var filesOK: Int
    public var filesFailed: Int
    /// Unchanged since their last successful write with this parser version.
    public var filesSkipped: Int
    /// On the dead-letter list for this parser version, so not tried again
    /// (`casparian files --status dead`; `--force` tries them).
    public var filesDeadLettered: Int
    public var rowsWritten: Int
    public var rowsQuarantined: Int
    /// Where the tables are (`OutputTargetSpec.description`: no password);
    /// nil in reports of runs from before targets existed (SQLite).
    public var target: String?
    /// Output tables of the plugin.
    public var tables: [String]
    public var failures: [FileFailure]
    /// Files put on the dead-letter list by this run (retries ran out).
    public var deadLettered: [String]
    public var durationMilliseconds: Int
    public var rowsPerSecond: Double
}

/// Progress of an execute run.
public struct ExecuteProgress: Sendable, Equatable {
    public var filesDone: Int
    public var filesTotal: Int
    public var rowsWritten: Int
    public var rowsPerSecond: Double
    /// Seconds left at the current rate (nil until it can be estimated).
    public var etaSeconds: Double?
}
