/// How the pages of a Parquet file are compressed.
public enum ParquetCompression: Sendable, Equatable {
    case uncompressed
    /// Zstandard at `level` (1...22; 3 is zstd's default).
    case zstd(level: Int32)
}

/// How a `ParquetFileWriter` lays out a file.
public struct ParquetWriterOptions: Sendable {
    public var compression: ParquetCompression = .zstd(level: 3)
    /// Rows per row group (DuckDB's default). A row group is also flushed
    /// when its buffered values exceed `rowGroupBytes`.
    public var rowGroupRows = 122_880
    public var rowGroupBytes = 64 << 20
    /// The target uncompressed size of a data page.
    public var pageBytes = 1 << 20
    /// A column chunk whose distinct values need more than this (PLAIN
    /// encoded) is written PLAIN instead of dictionary encoded.
    public var dictionaryMaxBytes = 1 << 20
    /// Written into the footer's `key_value_metadata`, in this order.
    public var keyValueMetadata: [(key: String, value: String)] = []

    public init() {}
}
