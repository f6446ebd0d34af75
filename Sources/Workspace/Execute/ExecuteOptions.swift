/// How `execute` runs a plugin into tables.
public struct ExecuteOptions: Sendable, Equatable, Codable {
    /// Where the tables are: the workspace's SQLite database (the default),
    /// a Parquet folder or a PostgreSQL database.
    public var target = OutputTargetSpec.sqlite
    /// Re-run every file, even those unchanged since their last successful
    /// write with the same parser version.
    public var force = false
    /// A file whose share of rows that violate the contract passes this
    /// fails as a whole (nothing of it is written); below it, the bad rows
    /// go to the quarantine table and the rest are written.
    public var quarantineThreshold = 0.05
    /// Violating rows tracked per file; a file with more fails as a whole.
    public var maxQuarantinedRowsPerFile = 10_000
    /// Files parsed but not yet written that may wait for the writer (memory bound).
    public var writeQueueDepth = 4
    public var parallelism: Int?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case target, force, quarantineThreshold, maxQuarantinedRowsPerFile, writeQueueDepth, parallelism
    }

    /// Jobs recorded before targets existed wrote to SQLite.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        target = try c.decodeIfPresent(OutputTargetSpec.self, forKey: .target) ?? .sqlite
        force = try c.decode(Bool.self, forKey: .force)
        quarantineThreshold = try c.decode(Double.self, forKey: .quarantineThreshold)
        maxQuarantinedRowsPerFile = try c.decode(Int.self, forKey: .maxQuarantinedRowsPerFile)
        writeQueueDepth = try c.decode(Int.self, forKey: .writeQueueDepth)
        parallelism = try c.decodeIfPresent(Int.self, forKey: .parallelism)
    }
}
