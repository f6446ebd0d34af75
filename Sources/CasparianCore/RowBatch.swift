/// A block of rows for one output, stored column by column.
///
/// `firstRow` is the 0-based index, within the file and output, of the first
/// row in the batch, so that violations and lineage can name exact rows.
public struct RowBatch: Sendable, Equatable {
    public var output: String
    public var columnNames: [String]
    public var columns: [[CellValue]]
    public var firstRow: Int

    public init(output: String, columnNames: [String], columns: [[CellValue]]? = nil, firstRow: Int = 0) {
        self.output = output
        self.columnNames = columnNames
        self.columns = columns ?? Array(repeating: [], count: columnNames.count)
        self.firstRow = firstRow
    }

    public var rowCount: Int { columns.first?.count ?? 0 }

    /// Appends one row; `row.count` must equal `columnNames.count`.
    public mutating func append(row: [CellValue]) {
        precondition(row.count == columns.count, "row width \(row.count) != \(columns.count) columns")
        for i in 0..<row.count { columns[i].append(row[i]) }
    }

    public func row(_ index: Int) -> [CellValue] {
        columns.map { $0[index] }
    }

    public subscript(column name: String) -> [CellValue]? {
        columnNames.firstIndex(of: name).map { columns[$0] }
    }
}
