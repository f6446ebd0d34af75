/// The type of a Parquet column, as Casparian's contracts know them.
///
/// Each maps to one physical type and annotation: `int64` INT64, `double`
/// DOUBLE, `boolean` BOOLEAN, `date` INT32 DATE, `time` INT64
/// TIME(MICROS, local), `timestamp` INT64 TIMESTAMP(MICROS), `string`
/// BYTE_ARRAY STRING.
public enum ParquetColumnType: Sendable, Equatable {
    case int64
    case double
    case boolean
    case date
    case time
    /// Microseconds since the epoch; `adjustedToUTC` says whether the value is
    /// an instant (UTC) or a wall-clock time with no zone.
    case timestamp(adjustedToUTC: Bool)
    case string
}

/// One column of a Parquet file: REQUIRED unless `nullable`.
public struct ParquetField: Sendable, Equatable {
    public var name: String
    public var type: ParquetColumnType
    public var nullable: Bool

    public init(name: String, type: ParquetColumnType, nullable: Bool) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}
