/// How a delimited text file is written: what sniffing found, or what a
/// caller fixed.
public struct CSVDialect: Sendable, Equatable, Codable {
    public enum Encoding: String, Sendable, Codable {
        case utf8 = "utf-8"
        /// UTF-8 that starts with a byte-order mark (the mark is skipped).
        case utf8BOM = "utf-8-sig"
        case utf16LE = "utf-16le"
        case utf16BE = "utf-16be"
        /// Bytes that are not valid UTF-8 are read as ISO-8859-1.
        case latin1 = "latin-1"
    }

    public var delimiter: UInt8
    public var quote: UInt8
    public var hasHeader: Bool
    public var encoding: Encoding

    public init(
        delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\""), hasHeader: Bool = true,
        encoding: Encoding = .utf8
    ) {
        self.delimiter = delimiter
        self.quote = quote
        self.hasHeader = hasHeader
        self.encoding = encoding
    }

    /// The delimiter as text, `\t` for a tab.
    public var delimiterName: String {
        delimiter == 9 ? "\\t" : String(UnicodeScalar(delimiter))
    }
}
