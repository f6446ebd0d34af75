import CasparianCore

/// One column's values for one `ParquetFileWriter.append` call.
public enum ParquetColumnInput: Sendable {
    /// One value per row.
    case cells([CellValue])
    /// The same value on every row (e.g. the source file path).
    case constant(CellValue)
    /// `start`, `start + 1`, ... (int64 columns only; e.g. row numbers).
    case sequence(start: Int64)
    /// Every row null (a column the batch lacks).
    case nulls
}
