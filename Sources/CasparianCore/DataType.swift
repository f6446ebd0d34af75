/// The column types Casparian proves, locks in contracts and writes to tables.
public enum DataType: String, Codable, Sendable, CaseIterable, Hashable {
    case string
    case int64
    case float64
    case boolean
    case date
    case time
    case timestamp
    case timestampTZ = "timestamp_tz"

    /// The SQLite column affinity an output table uses for this type.
    /// Dates, times and timestamps are stored as ISO 8601 text.
    public var sqliteType: String {
        switch self {
        case .int64, .boolean: return "INTEGER"
        case .float64: return "REAL"
        case .string, .date, .time, .timestamp, .timestampTZ: return "TEXT"
        }
    }
}
