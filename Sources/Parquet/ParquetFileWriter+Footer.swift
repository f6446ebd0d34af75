/// What the footer records of one written row group.
struct RowGroupMetadata {
    var columns: [ColumnChunkMetadata]
    var rows: Int
    var fileOffset: Int
}

extension ParquetFileWriter {
    /// The creator written into the footer.
    static let createdBy = "casparian"

    /// FileMetaData, Thrift compact encoded. Field ids are those of
    /// parquet-format's parquet.thrift.
    func fileMetadata() -> [UInt8] {
        var w = ThriftCompactWriter()
        // Version 2: the data pages use RLE_DICTIONARY, a format 2 encoding.
        w.i32(1, 2)
        w.structList(2, [nil] + fields.map { Optional($0) }) { e, field in
            guard let field else {
                e.string(4, "schema")
                e.i32(5, Int32(fields.count))
                return
            }
            Self.schemaElement(&e, field)
        }
        w.i64(3, Int64(rowGroups.reduce(0) { $0 + $1.rows }))
        w.structList(4, rowGroups) { e, group in Self.rowGroup(&e, group) }
        if !options.keyValueMetadata.isEmpty {
            w.structList(5, options.keyValueMetadata) { e, kv in
                e.string(1, kv.key)
                e.string(2, kv.value)
            }
        }
        w.string(6, Self.createdBy)
        // ColumnOrder: TYPE_ORDER (an empty struct) for every column, so
        // readers trust min_value/max_value.
        w.structList(7, fields) { e, _ in e.structField(1) { _ in } }
        w.stop()
        return w.bytes
    }

    private static func schemaElement(_ e: inout ThriftCompactWriter, _ field: ParquetField) {
        // Type, repetition, name, then ConvertedType (6) and LogicalType (10).
        let (physical, converted): (Int32, Int32?) =
            switch field.type {
            case .int64: (2, nil)
            case .double: (5, nil)
            case .boolean: (0, nil)
            case .date: (1, 6)  // INT32, DATE
            case .time: (2, 8)  // INT64, TIME_MICROS
            case .timestamp: (2, 10)  // INT64, TIMESTAMP_MICROS
            case .string: (6, 0)  // BYTE_ARRAY, UTF8
            }
        e.i32(1, physical)
        e.i32(3, field.nullable ? 1 : 0)  // OPTIONAL : REQUIRED
        e.string(4, field.name)
        if let converted { e.i32(6, converted) }
        switch field.type {
        case .int64, .double, .boolean: return
        case .string: e.structField(10) { $0.structField(1) { _ in } }  // STRING
        case .date: e.structField(10) { $0.structField(6) { _ in } }  // DATE
        case .time: e.structField(10) { $0.structField(7) { timeUnit(&$0, adjustedToUTC: false) } }  // TIME
        case .timestamp(let utc): e.structField(10) { $0.structField(8) { timeUnit(&$0, adjustedToUTC: utc) } }  // TIMESTAMP
        }
    }

    /// TimeType / TimestampType: isAdjustedToUTC, then unit MICROS.
    private static func timeUnit(_ e: inout ThriftCompactWriter, adjustedToUTC: Bool) {
        e.bool(1, adjustedToUTC)
        e.structField(2) { $0.structField(2) { _ in } }
    }

    private static func rowGroup(_ e: inout ThriftCompactWriter, _ group: RowGroupMetadata) {
        e.structList(1, group.columns) { c, chunk in
            c.i64(2, Int64(chunk.firstPageOffset))
            c.structField(3) { columnMetadata(&$0, chunk) }
        }
        e.i64(2, Int64(group.columns.reduce(0) { $0 + $1.totalUncompressedSize }))
        e.i64(3, Int64(group.rows))
        e.i64(5, Int64(group.fileOffset))
        e.i64(6, Int64(group.columns.reduce(0) { $0 + $1.totalCompressedSize }))
    }

    private static func columnMetadata(_ m: inout ThriftCompactWriter, _ chunk: ColumnChunkMetadata) {
        m.i32(1, chunk.physicalType)
        m.i32List(2, chunk.encodings)
        m.stringList(3, [chunk.path])
        m.i32(4, chunk.codec)
        m.i64(5, Int64(chunk.numValues))
        m.i64(6, Int64(chunk.totalUncompressedSize))
        m.i64(7, Int64(chunk.totalCompressedSize))
        m.i64(9, Int64(chunk.dataPageOffset))
        if let offset = chunk.dictionaryPageOffset { m.i64(11, Int64(offset)) }
        m.structField(12) { s in
            s.i64(3, Int64(chunk.statistics.nullCount))
            if let max = chunk.statistics.max { s.binary(5, max) }
            if let min = chunk.statistics.min { s.binary(6, min) }
        }
    }
}
