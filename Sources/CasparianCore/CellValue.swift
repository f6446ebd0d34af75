/// One value a plugin emitted, as it crossed from Python.
///
/// Temporal values keep their exact meaning: a `date` is days since
/// 1970-01-01, a `time` microseconds since midnight, a `timestamp` naive
/// microseconds since the epoch, and a `timestampTZ` the UTC instant in
/// microseconds plus the offset it was written with.
public enum CellValue: Sendable, Hashable {
    case null
    /// A key that a dict row did not have, as distinct from a `None` value.
    case absent
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// A `decimal.Decimal`, kept as its exact text.
    case decimal(String)
    case date(days: Int32)
    case time(micros: Int64)
    case timestamp(micros: Int64)
    case timestampTZ(micros: Int64, offsetSeconds: Int32)

    /// True for `null` and `absent`.
    public var isNull: Bool {
        switch self {
        case .null, .absent: return true
        default: return false
        }
    }

    /// The name of the value's kind, for messages ("got int").
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .absent: return "absent"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .decimal: return "Decimal"
        case .date: return "date"
        case .time: return "time"
        case .timestamp: return "datetime"
        case .timestampTZ: return "datetime (aware)"
        }
    }
}
