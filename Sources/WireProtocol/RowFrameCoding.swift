import CasparianCore

/// Tags of the binary cell encoding used in `rows` frames.
@usableFromInline enum CellTag: UInt8 {
    case null = 0
    case absent, boolFalse, boolTrue, int, float, string, bytes, decimal, date, time, timestamp, timestampTZ
}

/// One column's cells in a rows payload being built, on raw memory: a `u32`
/// byte length (filled in when the frame is finished), then a tag byte and
/// value per row. The hot path writes a cell with one capacity check and
/// unaligned stores, not an Array append per byte.
@usableFromInline struct ColumnSegment {
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int
    /// Where this column's cell of the row being written starts, so a row
    /// abandoned half-way can be taken back.
    @usableFromInline var rowStart = 0

    init() {
        capacity = 4096
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    @inlinable @inline(__always) mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    @usableFromInline mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inlinable @inline(__always) mutating func append(tag: UInt8) {
        reserve(1)
        base.storeBytes(of: tag, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// A tag byte and a fixed-size value, with one capacity check.
    @inlinable @inline(__always) mutating func append<T: FixedWidthInteger>(tag: UInt8, _ v: T) {
        reserve(1 + MemoryLayout<T>.size)
        base.storeBytes(of: tag, toByteOffset: count, as: UInt8.self)
        base.storeBytes(of: v.littleEndian, toByteOffset: count + 1, as: T.self)
        count += 1 + MemoryLayout<T>.size
    }

    /// A tag byte, a `u32` length and the bytes.
    @inlinable @inline(__always) mutating func append(tag: UInt8, _ raw: UnsafeRawBufferPointer) {
        let n = raw.count
        reserve(5 + n)
        base.storeBytes(of: tag, toByteOffset: count, as: UInt8.self)
        base.storeBytes(of: UInt32(n).littleEndian, toByteOffset: count + 1, as: UInt32.self)
        count += 5
        guard n > 0 else { return }
        copyShort(raw, to: base + count)
        count += n
    }
}

/// Copies `raw` (not empty) to `to`. Short strings are most cells: two
/// overlapping word moves beat a memmove call (a byte loop is turned back
/// into one by the optimiser).
@inlinable @inline(__always) func copyShort(_ raw: UnsafeRawBufferPointer, to: UnsafeMutableRawPointer) {
    let n = raw.count
    let from = raw.baseAddress!
    if n >= 8 && n <= 16 {
        to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
        (to + (n - 8)).storeBytes(of: (from + (n - 8)).loadUnaligned(as: UInt64.self), as: UInt64.self)
    } else if n >= 4 && n < 8 {
        to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
        (to + (n - 4)).storeBytes(of: (from + (n - 4)).loadUnaligned(as: UInt32.self), as: UInt32.self)
    } else if n < 4 {
        to.storeBytes(of: from.load(as: UInt8.self), as: UInt8.self)
        if n > 1 { (to + (n - 1)).storeBytes(of: (from + (n - 1)).load(as: UInt8.self), as: UInt8.self) }
        if n > 2 { (to + 1).storeBytes(of: (from + 1).load(as: UInt8.self), as: UInt8.self) }
    } else {
        to.copyMemory(from: from, byteCount: n)
    }
}

/// The column segments of one encoder and the cursor of the row being
/// written. Segments are kept across frames and only grow, so a steady
/// stream allocates nothing.
@usableFromInline final class ColumnSegments {
    @usableFromInline var segments: UnsafeMutablePointer<ColumnSegment>
    @usableFromInline var allocated = 0
    /// How many segments the current frame uses.
    @usableFromInline var width = 0
    /// The column the next cell goes to.
    @usableFromInline var cursor = 0
    @usableFromInline var rows = 0
    var outputID: UInt16 = 0

    init() {
        segments = UnsafeMutablePointer<ColumnSegment>.allocate(capacity: 0)
    }

    deinit {
        for i in 0..<allocated { segments[i].base.deallocate() }
        segments.deinitialize(count: allocated)
        segments.deallocate()
    }

    func ensure(_ n: Int) {
        guard n > allocated else { return }
        let grown = UnsafeMutablePointer<ColumnSegment>.allocate(capacity: n)
        grown.moveInitialize(from: segments, count: allocated)
        for i in allocated..<n { (grown + i).initialize(to: ColumnSegment()) }
        segments.deallocate()
        segments = grown
        allocated = n
    }

    /// The segment of the row's next cell. A cell past the row's width is a
    /// bug of the caller, never data.
    @inlinable @inline(__always) func next() -> UnsafeMutablePointer<ColumnSegment> {
        precondition(cursor < width, "more cells than the \(width) columns of the row")
        let s = segments + cursor
        cursor += 1
        s.pointee.rowStart = s.pointee.count
        return s
    }
}

/// Builds the payloads of `columns` and `rows` frames, little-endian.
///
/// A `columns` frame declares (or widens) an output's column list:
/// `u16 output-id, str output-name, u16 count, str name…`. A `rows` frame
/// carries `u16 output-id, u32 row-count, u16 column-count` and then the
/// rows column by column: each column is a `u32` byte length and one cell
/// per row, a tag byte and its value. Column-major, so the host decodes each
/// column straight into its array in one tight loop, while the worker
/// writes each cell into its column's buffer as it reads a row. One encoder
/// is one set of buffers: copies of it share them.
public struct RowFrameEncoder {
    @usableFromInline let columns = ColumnSegments()
    /// Rows ended since `beginRows`.
    public var rowCount: Int { columns.rows }

    public init() {}

    /// The payload bytes written so far (one load per column).
    @inlinable public var byteCount: Int {
        var n = 8
        for i in 0..<columns.width { n += columns.segments[i].count }
        return n
    }

    public static func columnsPayload(outputID: UInt16, output: String, columns: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        func string(_ s: String) {
            withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: s.utf8)
        }
        u16(outputID)
        string(output)
        u16(UInt16(columns.count))
        for c in columns { string(c) }
        return bytes
    }

    /// Starts a rows payload of `columnCount` cells per row; call `append…`
    /// per cell and `endRow` per row, then `finishRows`.
    public mutating func beginRows(outputID: UInt16, columnCount: Int) {
        let c = columns
        c.rows = 0
        c.ensure(columnCount)
        for i in 0..<columnCount {
            c.segments[i].count = 4  // the byte length, filled in when finished
            c.segments[i].rowStart = 4
        }
        c.width = columnCount
        c.cursor = 0
        c.outputID = outputID
    }

    /// Takes back the cells written for the row begun but not ended.
    public mutating func abandonRow() {
        let c = columns
        for i in 0..<c.cursor { c.segments[i].count = c.segments[i].rowStart }
        c.cursor = 0
    }

    /// Ends a row; the columns it gave no cell are `absent`.
    @inlinable @inline(__always) public mutating func endRow() {
        if columns.cursor < columns.width { padRow() }
        columns.cursor = 0
        columns.rows += 1
    }

    @usableFromInline mutating func padRow() {
        while columns.cursor < columns.width { appendAbsent() }
    }

    /// Writes the lengths and row count and returns the payload.
    public mutating func finishRows() -> [UInt8] {
        withFinishedRows { parts in parts.flatMap { Array($0) } }
    }

    /// Writes the lengths and row count and lends the payload in place, as
    /// the parts that follow each other on the wire (valid only inside `body`).
    public mutating func withFinishedRows<R, E: Error>(_ body: ([UnsafeRawBufferPointer]) throws(E) -> R) throws(E) -> R {
        let c = columns
        precondition(c.cursor == 0, "a row was begun and not ended")
        var header: UInt64 = 0
        withUnsafeMutableBytes(of: &header) { h in
            h.storeBytes(of: c.outputID.littleEndian, toByteOffset: 0, as: UInt16.self)
            h.storeBytes(of: UInt32(rowCount).littleEndian, toByteOffset: 2, as: UInt32.self)
            h.storeBytes(of: UInt16(c.width).littleEndian, toByteOffset: 6, as: UInt16.self)
        }
        return try withUnsafeBytes(of: header) { (h) throws(E) -> R in
            var parts = [h]
            parts.reserveCapacity(c.width + 1)
            for i in 0..<c.width {
                let s = c.segments[i]
                s.base.storeBytes(of: UInt32(s.count - 4).littleEndian, as: UInt32.self)
                parts.append(UnsafeRawBufferPointer(start: s.base, count: s.count))
            }
            return try body(parts)
        }
    }

    @inlinable @inline(__always) public mutating func appendNull() { columns.next().pointee.append(tag: CellTag.null.rawValue) }
    @inlinable @inline(__always) public mutating func appendAbsent() { columns.next().pointee.append(tag: CellTag.absent.rawValue) }
    @inlinable @inline(__always) public mutating func appendBool(_ b: Bool) {
        columns.next().pointee.append(tag: b ? CellTag.boolTrue.rawValue : CellTag.boolFalse.rawValue)
    }
    @inlinable @inline(__always) public mutating func appendInt(_ v: Int64) {
        columns.next().pointee.append(tag: CellTag.int.rawValue, UInt64(bitPattern: v))
    }
    @inlinable @inline(__always) public mutating func appendFloat(_ v: Double) {
        columns.next().pointee.append(tag: CellTag.float.rawValue, v.bitPattern)
    }
    @inlinable @inline(__always) public mutating func appendDate(days: Int32) {
        columns.next().pointee.append(tag: CellTag.date.rawValue, UInt32(bitPattern: days))
    }
    @inlinable @inline(__always) public mutating func appendTime(micros: Int64) {
        columns.next().pointee.append(tag: CellTag.time.rawValue, UInt64(bitPattern: micros))
    }
    @inlinable @inline(__always) public mutating func appendTimestamp(micros: Int64) {
        columns.next().pointee.append(tag: CellTag.timestamp.rawValue, UInt64(bitPattern: micros))
    }
    /// The tag, the UTC instant in microseconds, then the offset in seconds.
    public mutating func appendTimestampTZ(micros: Int64, offsetSeconds: Int32) {
        let s = columns.next()
        s.pointee.append(tag: CellTag.timestampTZ.rawValue, UInt64(bitPattern: micros))
        s.pointee.reserve(4)
        s.pointee.base.storeBytes(of: UInt32(bitPattern: offsetSeconds).littleEndian, toByteOffset: s.pointee.count, as: UInt32.self)
        s.pointee.count += 4
    }
    @inlinable @inline(__always) public mutating func appendUTF8(_ p: UnsafeRawBufferPointer) {
        columns.next().pointee.append(tag: CellTag.string.rawValue, p)
    }
    public mutating func appendString(cell s: String) {
        var s = s
        s.withUTF8 { appendUTF8(UnsafeRawBufferPointer($0)) }
    }
    public mutating func appendBytes(_ p: UnsafeRawBufferPointer) { columns.next().pointee.append(tag: CellTag.bytes.rawValue, p) }
    public mutating func appendDecimal(_ s: String) {
        var s = s
        s.withUTF8 { columns.next().pointee.append(tag: CellTag.decimal.rawValue, UnsafeRawBufferPointer($0)) }
    }

    public mutating func append(_ value: CellValue) {
        switch value {
        case .null: appendNull()
        case .absent: appendAbsent()
        case .bool(let b): appendBool(b)
        case .int(let i): appendInt(i)
        case .float(let d): appendFloat(d)
        case .string(let s): appendString(cell: s)
        case .bytes(let b): b.withUnsafeBytes { appendBytes($0) }
        case .decimal(let s): appendDecimal(s)
        case .date(let d): appendDate(days: d)
        case .time(let t): appendTime(micros: t)
        case .timestamp(let t): appendTimestamp(micros: t)
        case .timestampTZ(let t, let o): appendTimestampTZ(micros: t, offsetSeconds: o)
        }
    }
}

/// Reads the payloads `RowFrameEncoder` builds.
public struct RowFrameDecoder {
    public struct DecodeError: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public static func decodeColumns(_ payload: [UInt8]) throws -> (outputID: UInt16, output: String, columns: [String]) {
        let result = payload.withUnsafeBytes { raw in
            Result { () throws(DecodeError) in
                var r = RawReader(raw)
                let id = try r.fixed(UInt16.self)
                let name = try r.string()
                let n = Int(try r.fixed(UInt16.self))
                var cols: [String] = []
                cols.reserveCapacity(n)
                for _ in 0..<n { cols.append(try r.string()) }
                return (id, name, cols)
            }
        }
        return try result.get()
    }

    /// The output a rows payload belongs to.
    public static func outputID(ofRows payload: [UInt8]) throws -> UInt16 {
        let result = payload.withUnsafeBytes { raw in
            Result { () throws(DecodeError) in
                var r = RawReader(raw)
                return try r.fixed(UInt16.self)
            }
        }
        return try result.get()
    }

    /// Decodes a rows payload into columns. `columnCount` in the frame may be
    /// smaller than the output's current column list (rows written before it
    /// widened); the missing trailing cells are `absent`.
    public static func decodeRows(_ payload: [UInt8], into batch: inout RowBatch) throws -> UInt16 {
        let result = payload.withUnsafeBytes { raw in
            Result { () throws(DecodeError) in try decodeRows(raw, into: &batch) }
        }
        return try result.get()
    }

    /// Each column's cells are decoded straight into a new array of their
    /// own, in one loop over the column's bytes: no scratch copy, and in a
    /// typed column the same branch of the tag switch every time.
    static func decodeRows(_ raw: UnsafeRawBufferPointer, into batch: inout RowBatch) throws(DecodeError) -> UInt16 {
        var r = RawReader(raw)
        let id = try r.fixed(UInt16.self)
        let rows = Int(try r.fixed(UInt32.self))
        let width = Int(try r.fixed(UInt16.self))
        let total = batch.columns.count
        guard width <= total else {
            throw DecodeError(description: "rows frame has \(width) columns, output declared \(total)")
        }
        // Each cell is at least its tag byte, and a row of a frame with no
        // columns for an output that has some counts one too (the host fills
        // it with absent cells): a row count the payload cannot hold is
        // corrupt, not a 4-billion-row allocation (Tests/Fuzz/Corpus/frames).
        guard rows * max(width, 1) <= raw.count || total == 0 else {
            throw DecodeError(description: "rows frame claims \(rows) rows in \(raw.count) bytes")
        }
        var decoded: [[CellValue]] = []
        decoded.reserveCapacity(total)
        for c in 0..<width {
            let length = Int(try r.fixed(UInt32.self))
            var cells = RawReader(try r.bytes(length))
            decoded.append(try column(rows, from: &cells, index: c))
        }
        guard r.atEnd else { throw DecodeError(description: "rows frame has trailing bytes") }
        // Rows written before the output widened: the newer columns are absent.
        for _ in width..<total { decoded.append(Array(repeating: .absent, count: rows)) }
        for (c, column) in decoded.enumerated() {
            if batch.columns[c].isEmpty { batch.columns[c] = column } else { batch.columns[c].append(contentsOf: column) }
        }
        return id
    }

    /// `rows` cells from one column's bytes, which they must use exactly.
    private static func column(_ rows: Int, from cells: inout RawReader, index: Int) throws(DecodeError) -> [CellValue] {
        if let typed = uniformColumn(rows, cells) { return typed }
        var failure: DecodeError?
        let column = [CellValue](unsafeUninitializedCapacity: rows) { buffer, count in
            // `count` is what is initialised: the array releases exactly that if decoding stops.
            guard let out = buffer.baseAddress else { return }
            do throws(DecodeError) {
                while count < rows {
                    (out + count).initialize(to: try cells.cell())
                    count += 1
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        guard cells.atEnd else { throw DecodeError(description: "column \(index) of a rows frame has bytes after its \(rows) cells") }
        return column
    }
}

extension RowFrameDecoder {
    /// A column whose cells all have one fixed-size kind (every cell of a
    /// typed column, the common case), decoded without a bounds check or a
    /// tag switch per cell; nil when the column is anything else.
    @inline(__always)
    static func uniformColumn(_ rows: Int, _ cells: RawReader) -> [CellValue]? {
        // An empty column of a frame that claims rows has no first tag to look at.
        guard rows > 0, cells.count > 0, let base = cells.base, let tag = CellTag(rawValue: base.load(as: UInt8.self)) else {
            return nil
        }
        switch tag {
        case .int: return uniform(rows, cells, tag, UInt64.self) { .int(Int64(bitPattern: $0)) }
        case .float: return uniform(rows, cells, tag, UInt64.self) { .float(Double(bitPattern: $0)) }
        case .date: return uniform(rows, cells, tag, UInt32.self) { .date(days: Int32(bitPattern: $0)) }
        case .time: return uniform(rows, cells, tag, UInt64.self) { .time(micros: Int64(bitPattern: $0)) }
        case .timestamp: return uniform(rows, cells, tag, UInt64.self) { .timestamp(micros: Int64(bitPattern: $0)) }
        case .boolFalse, .boolTrue:
            guard cells.count == rows else { return nil }
            return build(rows) { i in
                switch base.load(fromByteOffset: i, as: UInt8.self) {
                case CellTag.boolFalse.rawValue: return .bool(false)
                case CellTag.boolTrue.rawValue: return .bool(true)
                default: return nil
                }
            }
        default: return nil
        }
    }

    /// Cells of `tag` and a `T` each, when the column's length says every cell is one.
    @inline(__always)
    private static func uniform<T: FixedWidthInteger>(
        _ rows: Int, _ cells: RawReader, _ tag: CellTag, _: T.Type,
        _ make: (T) -> CellValue
    ) -> [CellValue]? {
        let stride = 1 + MemoryLayout<T>.size
        guard cells.count == rows * stride, let base = cells.base else { return nil }
        return build(rows) { i in
            let at = i * stride
            guard base.load(fromByteOffset: at, as: UInt8.self) == tag.rawValue else { return nil }
            return make(T(littleEndian: base.loadUnaligned(fromByteOffset: at + 1, as: T.self)))
        }
    }

    /// `rows` cells from `cell(i)`, or nil at the first nil (the cells so far are released).
    @inline(__always)
    private static func build(_ rows: Int, _ cell: (Int) -> CellValue?) -> [CellValue]? {
        var complete = true
        let column = [CellValue](unsafeUninitializedCapacity: rows) { buffer, count in
            let out = buffer.baseAddress!
            while count < rows {
                guard let v = cell(count) else {
                    complete = false
                    return
                }
                (out + count).initialize(to: v)
                count += 1
            }
        }
        return complete ? column : nil
    }
}

/// Reads a frame payload in place: one bounds check per value.
struct RawReader {
    let base: UnsafeRawPointer?
    let count: Int
    var offset = 0

    init(_ raw: UnsafeRawBufferPointer) {
        base = raw.baseAddress
        count = raw.count
    }

    var atEnd: Bool { offset == count }

    @inline(__always) mutating func need(_ n: Int) throws(RowFrameDecoder.DecodeError) {
        if n > count - offset { throw RowFrameDecoder.DecodeError(description: "frame truncated at byte \(offset)") }
    }

    @inline(__always) mutating func fixed<T: FixedWidthInteger>(_: T.Type) throws(RowFrameDecoder.DecodeError) -> T {
        try need(MemoryLayout<T>.size)
        defer { offset += MemoryLayout<T>.size }
        return T(littleEndian: base!.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    @inline(__always) mutating func bytes(_ n: Int) throws(RowFrameDecoder.DecodeError) -> UnsafeRawBufferPointer {
        try need(n)
        defer { offset += n }
        return UnsafeRawBufferPointer(start: base! + offset, count: n)
    }

    @inline(__always) mutating func string() throws(RowFrameDecoder.DecodeError) -> String {
        let n = Int(try fixed(UInt32.self))
        return String(decoding: try bytes(n), as: UTF8.self)
    }

    @inline(__always) mutating func cell() throws(RowFrameDecoder.DecodeError) -> CellValue {
        let tagByte = try fixed(UInt8.self)
        guard let tag = CellTag(rawValue: tagByte) else {
            throw RowFrameDecoder.DecodeError(description: "unknown cell tag \(tagByte)")
        }
        switch tag {
        case .null: return .null
        case .absent: return .absent
        case .boolFalse: return .bool(false)
        case .boolTrue: return .bool(true)
        case .int: return .int(Int64(bitPattern: try fixed(UInt64.self)))
        case .float: return .float(Double(bitPattern: try fixed(UInt64.self)))
        case .string: return .string(try string())
        case .bytes: return .bytes(Array(try bytes(Int(try fixed(UInt32.self)))))
        case .decimal: return .decimal(try string())
        case .date: return .date(days: Int32(bitPattern: try fixed(UInt32.self)))
        case .time: return .time(micros: Int64(bitPattern: try fixed(UInt64.self)))
        case .timestamp: return .timestamp(micros: Int64(bitPattern: try fixed(UInt64.self)))
        case .timestampTZ:
            let m = Int64(bitPattern: try fixed(UInt64.self))
            return .timestampTZ(micros: m, offsetSeconds: Int32(bitPattern: try fixed(UInt32.self)))
        }
    }
}
