/// One value of a query result, encoded as a JSON scalar: null, a number,
/// or a string. Blobs are encoded as `0x`-prefixed hex text; non-finite
/// floats as the strings `inf`, `-inf`, `NaN`.
public enum QueryValue: Sendable, Equatable, Codable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .int(let i): try c.encode(i)
        case .double(let d) where d.isFinite: try c.encode(d)
        case .double(let d): try c.encode(d.isNaN ? "NaN" : (d < 0 ? "-inf" : "inf"))
        case .text(let s): try c.encode(s)
        case .blob(let b): try c.encode(QueryValue.hex(b))
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let i = try? c.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else {
            self = .text(try c.decode(String.self))
        }
    }

    /// The value as text for tables and CSV (nil for null).
    public var text: String? {
        switch self {
        case .null: return nil
        case .int(let i): return String(i)
        case .double(let d): return "\(d)"
        case .text(let s): return s
        case .blob(let b): return QueryValue.hex(b)
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 2 + bytes.count * 2)
        out[0] = UInt8(ascii: "0")
        out[1] = UInt8(ascii: "x")
        for (i, b) in bytes.enumerated() {
            out[2 + 2 * i] = digits[Int(b >> 4)]
            out[3 + 2 * i] = digits[Int(b & 15)]
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The rows one query returned, capped.
public struct QueryResult: Sendable, Equatable, Codable {
    public var columns: [String]
    /// Rows as lists of JSON scalars, in `columns` order.
    public var rows: [[QueryValue]]
    /// True when the row cap or byte cap cut the result short.
    public var truncated: Bool
    /// Which cap cut it short (nil when `truncated` is false).
    public var truncatedBy: Truncation?
    /// The number of rows returned (`rows.count`).
    public var rowCount: Int

    enum CodingKeys: String, CodingKey {
        case columns, rows, truncated
        case truncatedBy = "truncated_by"
        case rowCount = "row_count"
    }

    public init(columns: [String], rows: [[QueryValue]], truncated: Bool, truncatedBy: Truncation? = nil) {
        self.columns = columns
        self.rows = rows
        self.truncated = truncated
        self.truncatedBy = truncated ? (truncatedBy ?? .rowLimit) : nil
        self.rowCount = rows.count
    }

    /// The cap that ended a result early.
    public enum Truncation: String, Sendable, Codable {
        /// `QueryOptions.maxRows` rows were returned and more exist.
        case rowLimit = "row_limit"
        /// The next row would have taken the values past `QueryOptions.maxBytes`.
        case byteLimit = "byte_limit"
    }
}

/// Limits of one read-only query.
public struct QueryOptions: Sendable, Equatable {
    /// Rows returned at most; more set `truncated`.
    public var maxRows: Int
    /// Bytes of values returned at most (text lengths, blob lengths as hex
    /// text, 8 per number), checked before each cell is copied; a later row
    /// that would pass it sets `truncated`, a first row that would is an error.
    public var maxBytes: Int
    /// The query is interrupted after this long.
    public var timeLimit: Duration

    public init(maxRows: Int = 1_000, maxBytes: Int = 4 << 20, timeLimit: Duration = .seconds(10)) {
        self.maxRows = maxRows
        self.maxBytes = maxBytes
        self.timeLimit = timeLimit
    }
}
