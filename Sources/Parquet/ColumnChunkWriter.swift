/// What the footer records of one written column chunk.
struct ColumnChunkMetadata {
    var physicalType: Int32
    /// Parquet's `CompressionCodec`.
    var codec: Int32
    var encodings: [Int32]
    var path: String
    var numValues: Int
    var totalUncompressedSize: Int
    var totalCompressedSize: Int
    var dataPageOffset: Int
    var dictionaryPageOffset: Int?
    var statistics: ColumnStatistics

    /// Where the chunk's first page starts.
    var firstPageOffset: Int { dictionaryPageOffset ?? dataPageOffset }
}

/// Encodes the first rows of a column buffer as one column chunk — a
/// dictionary page when dictionary encoding fits, then data pages of about
/// `pageBytes` each — and writes them to the file. Scratch buffers are kept
/// between chunks.
final class ColumnChunkWriter {
    /// Parquet's `Encoding` values.
    enum Encoding: Int32 {
        case plain = 0
        case rle = 3
        case rleDictionary = 8
    }

    private let output: FileOutput
    private let compressor: PageCompressor
    private let options: ParquetWriterOptions
    private var page: [UInt8] = []
    private var levels: [UInt32] = []
    private var indices: [UInt32] = []

    init(output: FileOutput, compressor: PageCompressor, options: ParquetWriterOptions) {
        self.output = output
        self.compressor = compressor
        self.options = options
    }

    /// Writes rows `0..<rows` of `column`.
    func write(_ column: ColumnBuffer, rows: Int) throws -> ColumnChunkMetadata {
        let nullable = column.field.nullable
        let values = nullable ? column.validity[..<rows].reduce(0) { $0 + ($1 ? 1 : 0) } : rows
        var chunk = ColumnChunkMetadata(
            physicalType: Self.physicalType(column.physical), codec: compressor.codec,
            encodings: [Encoding.plain.rawValue, Encoding.rle.rawValue],
            path: column.field.name, numValues: rows, totalUncompressedSize: 0, totalCompressedSize: 0,
            dataPageOffset: 0, dictionaryPageOffset: nil, statistics: statistics(column, values: values, nullCount: rows - values))

        var dictionary: ByteArrayDictionary?
        // No dictionary for a chunk of nulls only: an empty dictionary page
        // is legal, but not every reader expects one.
        if column.physical == .byteArray && values > 0 {
            dictionary = column.bytes.withUnsafeBufferPointer { bytes in
                ByteArrayDictionary.build(
                    valueBytes: bytes, valueEnds: column.ends[..<values], firstStart: 0, maxBytes: options.dictionaryMaxBytes,
                    indices: &indices)
            }
        }
        if let dictionary {
            chunk.encodings.append(Encoding.rleDictionary.rawValue)
            chunk.dictionaryPageOffset = output.position
            page.removeAll(keepingCapacity: true)
            for i in 0..<dictionary.count { appendPlainByteArray(dictionary.entry(i)) }
            try writePage(&chunk) { w in
                w.i32(1, 2)  // DICTIONARY_PAGE
            } pageHeader: { w in
                w.structField(7) { d in
                    d.i32(1, Int32(dictionary.count))
                    d.i32(2, Encoding.plain.rawValue)
                }
            }
        }
        let bitWidth = dictionary.map { RLEHybridEncoder.bitWidth(maxValue: max(0, $0.count - 1)) } ?? 0
        chunk.dataPageOffset = output.position

        var row = 0
        var value = 0
        repeat {
            let (rowEnd, valueEnd) = pageEnd(column, fromRow: row, value: value, rows: rows, bitWidth: dictionary == nil ? nil : bitWidth)
            page.removeAll(keepingCapacity: true)
            if nullable { appendDefinitionLevels(column.validity[row..<rowEnd]) }
            if dictionary != nil {
                page.append(UInt8(bitWidth))
                indices.withUnsafeBufferPointer {
                    RLEHybridEncoder.encode(UnsafeBufferPointer(rebasing: $0[value..<valueEnd]), bitWidth: bitWidth, into: &page)
                }
            } else {
                appendPlainValues(column, value..<valueEnd)
            }
            let pageRows = rowEnd - row
            try writePage(&chunk) { w in
                w.i32(1, 0)  // DATA_PAGE
            } pageHeader: { w in
                w.structField(5) { d in
                    d.i32(1, Int32(pageRows))
                    d.i32(2, (dictionary == nil ? Encoding.plain : Encoding.rleDictionary).rawValue)
                    d.i32(3, Encoding.rle.rawValue)
                    d.i32(4, Encoding.rle.rawValue)
                }
            }
            row = rowEnd
            value = valueEnd
        } while row < rows
        return chunk
    }

    /// Compresses `page` and writes it behind its PageHeader: `pageType`
    /// writes field 1, `pageHeader` the page-type-specific fields after 3.
    private func writePage(
        _ chunk: inout ColumnChunkMetadata, pageType: (inout ThriftCompactWriter) -> Void,
        pageHeader: (inout ThriftCompactWriter) -> Void
    ) throws {
        let uncompressed = page.count
        try compressor.compress(page) { body in
            var header = ThriftCompactWriter()
            pageType(&header)
            header.i32(2, Int32(uncompressed))
            header.i32(3, Int32(body.count))
            pageHeader(&header)
            header.stop()
            try output.write(header.bytes)
            try output.write(body)
            chunk.totalUncompressedSize += header.bytes.count + uncompressed
            chunk.totalCompressedSize += header.bytes.count + body.count
        }
    }

    /// The row and value where the page starting at `row` ends: when its
    /// estimated encoded size reaches `pageBytes`.
    private func pageEnd(_ column: ColumnBuffer, fromRow row: Int, value: Int, rows: Int, bitWidth: Int?) -> (Int, Int) {
        let limit = options.pageBytes * 8
        let fixedBits: Int? =
            if let bitWidth { bitWidth } else {
                switch column.physical {
                case .int64, .double: 64
                case .int32: 32
                case .boolean: 1
                case .byteArray: nil
                }
            }
        var bits = 0
        var r = row
        var v = value
        while r < rows && (bits < limit || r == row) {
            let defined = !column.field.nullable || column.validity[r]
            if column.field.nullable { bits += 1 }
            if defined {
                if let fixedBits {
                    bits += fixedBits
                } else {
                    let start = v == 0 ? 0 : column.ends[v - 1]
                    bits += (column.ends[v] - start + 4) * 8
                }
                v += 1
            }
            r += 1
        }
        return (r, v)
    }

    /// The 4-byte length, then the levels RLE/bit-packed at bit width 1.
    private func appendDefinitionLevels(_ validity: ArraySlice<Bool>) {
        levels.removeAll(keepingCapacity: true)
        for d in validity { levels.append(d ? 1 : 0) }
        let lengthAt = page.count
        page.append(contentsOf: [0, 0, 0, 0])
        levels.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: 1, into: &page) }
        let length = UInt32(page.count - lengthAt - 4)
        for k in 0..<4 { page[lengthAt + k] = UInt8(truncatingIfNeeded: length >> (8 * k)) }
    }

    private func appendPlainValues(_ column: ColumnBuffer, _ range: Range<Int>) {
        switch column.physical {
        case .int64: column.int64s[range].withUnsafeBytes { page.append(contentsOf: $0) }
        case .int32: column.int32s[range].withUnsafeBytes { page.append(contentsOf: $0) }
        case .double: column.doubles[range].withUnsafeBytes { page.append(contentsOf: $0) }
        case .boolean: RLEHybridEncoder.packBits(column.booleans[range], into: &page)
        case .byteArray:
            for i in range {
                let start = i == 0 ? 0 : column.ends[i - 1]
                appendPlainByteArray(column.bytes[start..<column.ends[i]])
            }
        }
    }

    private func appendPlainByteArray(_ value: ArraySlice<UInt8>) {
        let n = UInt32(value.count)
        page.append(UInt8(truncatingIfNeeded: n))
        page.append(UInt8(truncatingIfNeeded: n >> 8))
        page.append(UInt8(truncatingIfNeeded: n >> 16))
        page.append(UInt8(truncatingIfNeeded: n >> 24))
        page.append(contentsOf: value)
    }

    private func statistics(_ column: ColumnBuffer, values: Int, nullCount: Int) -> ColumnStatistics {
        switch column.physical {
        case .int64: return .integers(column.int64s[..<values], nullCount: nullCount)
        case .int32: return .integers(column.int32s[..<values], nullCount: nullCount)
        case .double: return .doubles(column.doubles[..<values], nullCount: nullCount)
        case .boolean: return .booleans(column.booleans[..<values], nullCount: nullCount)
        case .byteArray:
            return column.bytes.withUnsafeBufferPointer { bytes in
                ColumnStatistics.byteArrays(count: values, nullCount: nullCount) { i in
                    let start = i == 0 ? 0 : column.ends[i - 1]
                    return UnsafeBufferPointer(rebasing: bytes[start..<column.ends[i]])
                }
            }
        }
    }

    /// Parquet's physical `Type`.
    static func physicalType(_ physical: ColumnBuffer.Physical) -> Int32 {
        switch physical {
        case .boolean: return 0
        case .int32: return 1
        case .int64: return 2
        case .double: return 5
        case .byteArray: return 6
        }
    }
}
