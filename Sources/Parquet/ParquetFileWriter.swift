import CasparianCore

/// Writes one Parquet file as rows arrive: each `append` adds rows to the
/// row group being built (typed arrays, not `CellValue`s); a full row group
/// is encoded, compressed and written straight to the file, and `close`
/// writes the footer.
///
/// Files are Parquet format 2 metadata with DataPage V1 pages, which every
/// reader takes. Not thread-safe: one writer, one thread at a time. A
/// writer dropped without `close` or `abort` leaves a file with no footer,
/// which no reader opens.
public final class ParquetFileWriter {
    public let path: String
    public let fields: [ParquetField]
    public let options: ParquetWriterOptions

    private let output: FileOutput
    private let chunkWriter: ColumnChunkWriter
    private var columns: [ColumnBuffer]
    private var bufferedRows = 0
    private(set) var rowGroups: [RowGroupMetadata] = []
    private var writtenRows = 0
    private var state = State.open

    private enum State {
        case open
        /// A write failed: only `abort` is left.
        case failed
        case closed
    }

    /// Creates (truncating) the file at `path` and writes the magic.
    public init(path: String, fields: [ParquetField], options: ParquetWriterOptions = ParquetWriterOptions()) throws {
        self.path = path
        self.fields = fields
        self.options = options
        output = try FileOutput(path: path)
        chunkWriter = ColumnChunkWriter(output: output, compressor: PageCompressor(options.compression), options: options)
        columns = fields.map(ColumnBuffer.init(field:))
        do {
            try output.write(Self.magic)
        } catch {
            output.discard()
            throw error
        }
    }

    static let magic: [UInt8] = Array("PAR1".utf8)

    /// Appends `rowCount` rows given column by column (one input per field,
    /// in field order).
    ///
    /// Values are normalised as the SQLite output store does: int64 takes
    /// `.int` and `.bool` (0/1); double `.float`, `.int` and `.decimal`
    /// (its text parsed); boolean `.bool`; string `.string` and `.decimal`
    /// (its text); date `.date`; time `.time`; a naive timestamp
    /// `.timestamp`; a UTC timestamp `.timestampTZ` (its instant; the offset
    /// is dropped). `.null` and `.absent` are null.
    ///
    /// A null in a non-nullable field, or any other kind of value, throws
    /// `ParquetValueError` and appends nothing of this call. Inputs that do
    /// not match the fields or `rowCount` throw a `CasparianError`.
    public func append(_ inputs: [ParquetColumnInput], rowCount: Int) throws {
        try requireOpen()
        guard inputs.count == fields.count, rowCount >= 0 else {
            throw CasparianError(
                .internal, "\(inputs.count) columns given for the \(fields.count) fields of Parquet file \(path)",
                hint: "pass one ParquetColumnInput per field, in field order")
        }
        for (field, input) in zip(fields, inputs) {
            if case .cells(let cells) = input, cells.count != rowCount {
                throw CasparianError(
                    .internal,
                    "\(cells.count) values given for field \(field.name) of Parquet file \(path), in a batch of \(rowCount) rows",
                    hint: "pass one value per row")
            }
        }
        let marks = columns.map(\.mark)
        for i in columns.indices {
            if let bad = columns[i].append(inputs[i], rowCount: rowCount) {
                for j in 0...i { columns[j].rollBack(to: marks[j]) }
                throw ParquetValueError(field: fields[i].name, row: bad.row, value: bad.value)
            }
        }
        bufferedRows += rowCount
        try guardingFailure { try flushFullRowGroups() }
    }

    /// Flushes the last row group, writes the footer (FileMetaData), fsyncs
    /// and closes. Returns what was written.
    public func close() throws -> ParquetFileSummary {
        try requireOpen()
        return try guardingFailure {
            if bufferedRows > 0 { try flushRowGroup(rows: bufferedRows) }
            let footer = fileMetadata()
            try output.write(footer)
            try output.write(Self.littleEndian(UInt32(footer.count)))
            try output.write(Self.magic)
            try output.close()
            state = .closed
            return ParquetFileSummary(rows: writtenRows, rowGroups: rowGroups.count, bytes: output.position)
        }
    }

    /// Closes without a footer and deletes the file. Safe after a failure,
    /// and idempotent; does nothing once `close` has succeeded.
    public func abort() {
        guard state != .closed else { return }
        output.discard()
        state = .closed
        columns = fields.map(ColumnBuffer.init(field:))
        bufferedRows = 0
    }

    private func requireOpen() throws {
        switch state {
        case .open: return
        case .failed:
            throw CasparianError(
                .internal, "Parquet file \(path) is unusable after an earlier write failed",
                hint: "abort the writer and start the file again")
        case .closed:
            throw CasparianError(.internal, "Parquet file \(path) is already closed")
        }
    }

    /// Runs `body`; a failure leaves the writer failed (the file is partial).
    private func guardingFailure<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch {
            state = .failed
            throw error
        }
    }

    /// Writes row groups while a full one is buffered: `rowGroupRows` rows,
    /// or fewer when the buffered values pass `rowGroupBytes`.
    private func flushFullRowGroups() throws {
        while bufferedRows > 0 {
            if bufferedRows >= options.rowGroupRows {
                try flushRowGroup(rows: options.rowGroupRows)
                continue
            }
            let bytes = columns.reduce(0) { $0 + $1.plainBytes }
            guard bytes >= options.rowGroupBytes else { return }
            // Rows are not all the same size; the average is close enough.
            try flushRowGroup(rows: max(1, min(bufferedRows, options.rowGroupBytes / max(1, bytes / bufferedRows))))
        }
    }

    private func flushRowGroup(rows: Int) throws {
        let start = output.position
        var chunks: [ColumnChunkMetadata] = []
        for i in columns.indices {
            chunks.append(try chunkWriter.write(columns[i], rows: rows))
            columns[i].removeFirst(rows: rows)
        }
        rowGroups.append(RowGroupMetadata(columns: chunks, rows: rows, fileOffset: start))
        bufferedRows -= rows
        writtenRows += rows
    }

    static func littleEndian(_ v: UInt32) -> [UInt8] {
        withUnsafeBytes(of: v.littleEndian) { Array($0) }
    }
}
