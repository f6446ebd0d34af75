import CasparianCore

/// Tags of the binary cell encoding used in `rows` frames.
@usableFromInline enum CellTag: UInt8 {
    case null = 0, absent, boolFalse, boolTrue, int, float, string, bytes, decimal, date, time, timestamp, timestampTZ
}

/// A growable byte buffer on raw memory: the encoder's hot path writes
/// fixed-size values with one capacity check and an unaligned store, not an
/// Array append per byte.
@usableFromInline final class ByteStore {
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    @inlinable @inline(__always) func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    @usableFromInline func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inlinable @inline(__always) func append<T: FixedWidthInteger>(_ v: T) {
        reserve(MemoryLayout<T>.size)
        base.storeBytes(of: v.littleEndian, toByteOffset: count, as: T.self)
        count += MemoryLayout<T>.size
    }

    @inlinable @inline(__always) func append(_ raw: UnsafeRawBufferPointer) {
        let n = raw.count
        guard n > 0 else { return }
        reserve(n)
        let from = raw.baseAddress!
        let to = base + count
        // Short strings are most cells: two overlapping word moves beat a
        // memmove call (a byte loop is turned back into one by the optimiser).
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
        count += n
    }

    var array: [UInt8] { Array(UnsafeRawBufferPointer(start: base, count: count)) }
}

/// Builds the payloads of `columns` and `rows` frames, little-endian.
///
/// A `columns` frame declares (or widens) an output's column list:
/// `u16 output-id, str output-name, u16 count, str name…`. A `rows` frame
/// carries `u16 output-id, u32 row-count, u16 column-count` and then each
/// row's cells, each a tag byte and its value. One encoder is one buffer:
/// copies of it share that buffer.
public struct RowFrameEncoder {
    @usableFromInline let store: ByteStore
    public private(set) var rowCount = 0
    private var rowCountOffset = 0

    public init(capacity: Int = 1 << 18) {
        store = ByteStore(capacity: capacity)
    }

    /// The bytes written so far.
    public var bytes: [UInt8] { store.array }
    /// How many bytes are written so far (cheap).
    public var byteCount: Int { store.count }

    public static func columnsPayload(outputID: UInt16, output: String, columns: [String]) -> [UInt8] {
        var e = RowFrameEncoder(capacity: 64)
        e.appendU16(outputID)
        e.appendString(output)
        e.appendU16(UInt16(columns.count))
        for c in columns { e.appendString(c) }
        return e.bytes
    }

    /// Starts a rows payload; call `append…`/`endRow` per row, then `finishRows`.
    public mutating func beginRows(outputID: UInt16, columnCount: Int) {
        store.count = 0
        rowCount = 0
        appendU16(outputID)
        rowCountOffset = store.count
        appendU32(0)
        appendU16(UInt16(columnCount))
    }

    /// Drops what was appended after `byteCount` (a row begun but abandoned).
    public mutating func rollBack(toByteCount byteCount: Int) {
        precondition(byteCount <= store.count)
        store.count = byteCount
    }

    public mutating func endRow() {
        rowCount += 1
    }

    /// Writes the row count into the header and returns the payload.
    public mutating func finishRows() -> [UInt8] {
        withFinishedRows { Array($0) }
    }

    /// Writes the row count into the header and lends the payload in place,
    /// without copying it (valid only inside `body`).
    public mutating func withFinishedRows<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        store.base.storeBytes(of: UInt32(rowCount).littleEndian, toByteOffset: rowCountOffset, as: UInt32.self)
        return try body(UnsafeRawBufferPointer(start: store.base, count: store.count))
    }

    @inlinable @inline(__always) public mutating func appendNull() { store.append(CellTag.null.rawValue) }
    @inlinable @inline(__always) public mutating func appendAbsent() { store.append(CellTag.absent.rawValue) }
    @inlinable @inline(__always) public mutating func appendBool(_ b: Bool) {
        store.append(b ? CellTag.boolTrue.rawValue : CellTag.boolFalse.rawValue)
    }
    @inlinable @inline(__always) public mutating func appendInt(_ v: Int64) { store.append(CellTag.int.rawValue); store.append(UInt64(bitPattern: v)) }
    @inlinable @inline(__always) public mutating func appendFloat(_ v: Double) { store.append(CellTag.float.rawValue); store.append(v.bitPattern) }
    @inlinable @inline(__always) public mutating func appendDate(days: Int32) { store.append(CellTag.date.rawValue); store.append(UInt32(bitPattern: days)) }
    @inlinable @inline(__always) public mutating func appendTime(micros: Int64) { store.append(CellTag.time.rawValue); store.append(UInt64(bitPattern: micros)) }
    @inlinable @inline(__always) public mutating func appendTimestamp(micros: Int64) {
        store.append(CellTag.timestamp.rawValue)
        store.append(UInt64(bitPattern: micros))
    }
    public mutating func appendTimestampTZ(micros: Int64, offsetSeconds: Int32) {
        store.append(CellTag.timestampTZ.rawValue)
        store.append(UInt64(bitPattern: micros))
        store.append(UInt32(bitPattern: offsetSeconds))
    }
    @inlinable @inline(__always) public mutating func appendUTF8(_ p: UnsafeRawBufferPointer) {
        append(p, tag: CellTag.string.rawValue)
    }
    @inlinable @inline(__always) mutating func append(_ p: UnsafeRawBufferPointer, tag: UInt8) {
        store.append(tag)
        store.append(UInt32(p.count))
        store.append(p)
    }
    public mutating func appendString(cell s: String) {
        var s = s
        s.withUTF8 { appendUTF8(UnsafeRawBufferPointer($0)) }
    }
    public mutating func appendBytes(_ p: UnsafeRawBufferPointer) { append(p, tag: CellTag.bytes.rawValue) }
    public mutating func appendDecimal(_ s: String) {
        var s = s
        s.withUTF8 { append(UnsafeRawBufferPointer($0), tag: CellTag.decimal.rawValue) }
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

    @inline(__always) mutating func appendU16(_ v: UInt16) { store.append(v) }
    @inline(__always) mutating func appendU32(_ v: UInt32) { store.append(v) }
    @inline(__always) mutating func appendU64(_ v: UInt64) { store.append(v) }
    mutating func appendString(_ s: String) {
        var s = s
        s.withUTF8 { p in
            store.append(UInt32(p.count))
            store.append(UnsafeRawBufferPointer(p))
        }
    }
}

/// Reads the payloads `RowFrameEncoder` builds.
public struct RowFrameDecoder {
    public struct DecodeError: Error, Sendable, CustomStringConvertible {
        public var description: String
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
            Result { () throws(DecodeError) in var r = RawReader(raw); return try r.fixed(UInt16.self) }
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

    /// Cells are read row by row into one scratch buffer per column, then
    /// moved into the batch's column arrays: no per-cell uniqueness or
    /// capacity checks of nested arrays, and one bounds check per value.
    static func decodeRows(_ raw: UnsafeRawBufferPointer, into batch: inout RowBatch) throws(DecodeError) -> UInt16 {
        var r = RawReader(raw)
        let id = try r.fixed(UInt16.self)
        let rows = Int(try r.fixed(UInt32.self))
        let width = Int(try r.fixed(UInt16.self))
        let total = batch.columns.count
        guard width <= total else {
            throw DecodeError(description: "rows frame has \(width) columns, output declared \(total)")
        }
        // Each cell is at least its tag byte: a row count the payload cannot hold is corrupt.
        guard rows * width <= raw.count else { throw DecodeError(description: "rows frame claims \(rows) rows in \(raw.count) bytes") }
        let scratch = (0..<total).map { _ in UnsafeMutablePointer<CellValue>.allocate(capacity: max(rows, 1)) }
        var done = 0  // complete rows initialised in every scratch column
        var partial = 0  // cells of the row being read
        defer {
            for (c, p) in scratch.enumerated() {
                p.deinitialize(count: done + (c < partial ? 1 : 0))
                p.deallocate()
            }
        }
        while done < rows {
            partial = 0
            while partial < width {
                (scratch[partial] + done).initialize(to: try r.cell())
                partial += 1
            }
            while partial < total {
                (scratch[partial] + done).initialize(to: .absent)
                partial += 1
            }
            done += 1
            partial = 0
        }
        guard r.atEnd else { throw DecodeError(description: "rows frame has trailing bytes") }
        for c in 0..<total {
            let column = [CellValue](unsafeUninitializedCapacity: rows) { buffer, count in
                buffer.baseAddress?.moveInitialize(from: scratch[c], count: rows)  // nil only when rows == 0
                count = rows
            }
            if batch.columns[c].isEmpty { batch.columns[c] = column } else { batch.columns[c].append(contentsOf: column) }
        }
        done = 0  // moved out: nothing left to deinitialise
        return id
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
