import CasparianCore

/// Everything one file produced for one plugin, ready to be written:
/// rows already normalised to the contract's types, plus the rows that
/// violated the contract (quarantined instead of written).
public struct FileWrite: Sendable {
    /// The source file's path; stored in `_cf_file` and the key that a
    /// re-write replaces.
    public var file: String
    /// The run id (`run_…`), stored in `_cf_run`.
    public var run: String
    /// The parser version, stored in `_cf_parser_version`.
    public var parserVersion: String
    /// What the caller wants to remember about the source (for example
    /// size and mtime, or a content hash) to decide later whether the file
    /// changed; returned by `OutputStore.lastWrite`.
    public var fingerprint: String?
    /// Rows by output, in order. Values must already have the contract
    /// column's type (dates as `.date`, not as text): see `OutputStore`.
    public var batches: [RowBatch]
    public var quarantine: [QuarantinedValue]

    public init(
        file: String, run: String, parserVersion: String, fingerprint: String? = nil,
        batches: [RowBatch], quarantine: [QuarantinedValue] = []
    ) {
        self.file = file
        self.run = run
        self.parserVersion = parserVersion
        self.fingerprint = fingerprint
        self.batches = batches
        self.quarantine = quarantine
    }
}

/// One contract violation kept in `_cf_quarantine` instead of the table.
public struct QuarantinedValue: Sendable, Equatable, Codable {
    public var output: String
    /// The row's 0-based index within its file and output.
    public var row: Int
    /// The offending column, or nil when the whole row is at fault.
    public var column: String?
    /// A short machine-readable category (`type`, `null`, `missing`, `extra`, …).
    public var kind: String
    /// What was wrong, for people.
    public var reason: String
    /// The offending value as text, if any.
    public var value: String?

    public init(output: String, row: Int, column: String?, kind: String, reason: String, value: String?) {
        self.output = output
        self.row = row
        self.column = column
        self.kind = kind
        self.reason = reason
        self.value = value
    }
}

/// What `OutputStore.writeFile` did.
public struct FileWriteSummary: Sendable, Equatable, Codable {
    /// Rows written, by output.
    public var rows: [String: Int]
    /// Rows of earlier writes of this file that were replaced.
    public var replacedRows: Int
    public var quarantined: Int

    public var totalRows: Int { rows.values.reduce(0, +) }
}

/// The last successful write of one file by one plugin.
public struct FileWriteRecord: Sendable, Equatable, Codable {
    public var plugin: String
    public var file: String
    public var run: String
    public var parserVersion: String
    public var fingerprint: String?
    public var rows: Int
    public var quarantined: Int
    public var writtenAt: String
}
