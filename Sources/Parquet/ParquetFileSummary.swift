/// What `ParquetFileWriter.close` wrote.
public struct ParquetFileSummary: Sendable, Equatable {
    public var rows: Int
    public var rowGroups: Int
    /// The size of the file.
    public var bytes: Int

    public init(rows: Int, rowGroups: Int, bytes: Int) {
        self.rows = rows
        self.rowGroups = rowGroups
        self.bytes = bytes
    }
}
