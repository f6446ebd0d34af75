import CasparianCore

/// A value an `append` call cannot write: a null in a non-nullable field,
/// or a kind the field's type does not take. Nothing of that call is written.
public struct ParquetValueError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    /// 0-based within the `append` call.
    public var row: Int
    public var value: CellValue

    public init(field: String, row: Int, value: CellValue) {
        self.field = field
        self.row = row
        self.value = value
    }

    public var description: String {
        "Parquet field \(field), row \(row) of the batch: cannot write \(value.kindName) \(value.truncatedText(40))"
    }
}
