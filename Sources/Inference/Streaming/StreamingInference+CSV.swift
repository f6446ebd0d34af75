extension StreamingInference {
    /// Reads a CSV/TSV file with the native reader and feeds every record;
    /// stops early when `isSatisfied`. `name` is how evidence names the file
    /// (default: the path). Returns the reader, for its dialect and counts.
    @discardableResult
    public mutating func feed(
        csvFile path: String, name: String? = nil, output: String = "csv",
        dialect: CSVDialect? = nil
    ) throws -> CSVReader {
        let reader = try CSVReader(path: path, dialect: dialect)
        let file = name ?? path
        noteFile(file)
        let columns = reader.columnNames
        try reader.forEachBlock { block in
            feed(records: block, columns: columns, output: output, file: file)
            return !isSatisfied
        }
        if reader.recordsRead == 0 && !columns.isEmpty {
            // A header without rows still declares the columns.
            feed(records: TextRecords(), columns: columns, output: output, file: file)
        }
        return reader
    }
}
