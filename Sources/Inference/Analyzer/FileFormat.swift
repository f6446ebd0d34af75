/// A file format the analyzer recognises from a file's bytes.
public enum FileFormat: String, Sendable, Codable, CaseIterable, Comparable {
    case csv, tsv, json
    case jsonLines = "jsonl"
    case fixedWidth = "fixed-width"
    case log, text
    /// An HTML or XML document (an error page saved under a data file's name).
    case markup = "html/xml"
    case excel, parquet, gzip, zip, bzip2, xz, zstd, binary, empty

    /// True for compressed containers (gzip only when its content could not
    /// be read; the others' contents are not analysed).
    public var isCompressed: Bool { [.gzip, .zip, .bzip2, .xz, .zstd].contains(self) }

    /// True for the delimited formats the built-in CSV/TSV reader reads.
    public var isDelimited: Bool { self == .csv || self == .tsv }

    /// A built-in parser reads it (CSV/TSV); any other format needs a user plugin.
    public var hasBuiltinReader: Bool { isDelimited }

    /// `csv`, or `csv (gzip)` for the content of a compressed file: how reports name it.
    public func label(compression: Compression?) -> String {
        rawValue + (compression.map { " (\($0.rawValue))" } ?? "")
    }

    public static func < (a: FileFormat, b: FileFormat) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What the analyzer concluded about one file.
public struct FormatAnalysis: Sendable, Codable, Equatable {
    public var format: FileFormat
    /// 0…1: how sure the analyzer is.
    public var confidence: Double
    /// Short facts that led to the verdict (magic bytes, field counts, …).
    public var evidence: [String]
    /// The field delimiter of CSV/TSV files, as text (`,`, `\t`, `;`, `|`).
    public var delimiter: String?
    /// Bytes of the file, and bytes the analyzer read.
    public var size: Int
    public var bytesRead: Int
    /// How the file is compressed when `format` is that of its content
    /// (`csv` inside gzip); nil for a plain file.
    public var compression: Compression?

    /// `csv`, `csv (gzip)`.
    public var label: String { format.label(compression: compression) }

    public init(
        format: FileFormat, confidence: Double, evidence: [String], delimiter: String? = nil, size: Int, bytesRead: Int,
        compression: Compression? = nil
    ) {
        self.compression = compression
        self.format = format
        self.confidence = (confidence * 100).rounded() / 100
        self.evidence = evidence
        self.delimiter = delimiter
        self.size = size
        self.bytesRead = bytesRead
    }
}
