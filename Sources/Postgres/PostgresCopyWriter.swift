import CLibPQ

/// Encodes rows in PostgreSQL's binary COPY format and sends them to the
/// server in ~1 MiB chunks (PQputCopyData); `PostgresConnection.copyIn`
/// hands one to its `fill` closure.
///
/// Each row is `beginRow(fieldCount:)` followed by exactly that many
/// `append…` calls, in the table's column order, each matching its
/// column's type exactly (binary COPY does not convert: `appendInt64`
/// needs a bigint column). The buffer is reused for the whole COPY: no
/// allocation per row or field. Not copyable: it owns its buffer.
public struct PostgresCopyWriter: ~Copyable {
    /// What is buffered before it is sent.
    static let chunkSize = 1 << 20

    private let pq: UnsafePointer<CLibPQFunctions>
    private let connection: OpaquePointer
    private var bytes: UnsafeMutableRawPointer
    private var count = 0
    private var capacity: Int
    /// Set when libpq could not send: from then on rows are dropped and
    /// `copyIn` ends the COPY with the server's error.
    private(set) var sendFailed = false

    /// Days from 1970-01-01 to 2000-01-01, PostgreSQL's epoch.
    private static let epochDays: Int32 = 10_957
    private static let epochMicros: Int64 = 946_684_800_000_000

    init(pq: UnsafePointer<CLibPQFunctions>, connection: OpaquePointer) {
        self.pq = pq
        self.connection = connection
        capacity = Self.chunkSize
        bytes = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        // Signature, flags (no OIDs), header extension length.
        for byte in "PGCOPY\n\u{FF}\r\n\0".unicodeScalars { put(UInt8(truncatingIfNeeded: byte.value)) }
        put(Int32(0))
        put(Int32(0))
    }

    deinit { bytes.deallocate() }

    /// Starts a row of `fieldCount` fields.
    public mutating func beginRow(fieldCount: Int16) {
        reserve(2)
        put(fieldCount)
    }

    /// SQL NULL, for a column of any type.
    public mutating func appendNull() {
        reserve(4)
        put(Int32(-1))
    }

    /// A `bigint`.
    public mutating func appendInt64(_ value: Int64) {
        reserve(12)
        put(Int32(8))
        put(value)
    }

    /// A `double precision` (NaN and ±infinity included).
    public mutating func appendDouble(_ value: Double) {
        reserve(12)
        put(Int32(8))
        put(value.bitPattern)
    }

    /// A `boolean`.
    public mutating func appendBool(_ value: Bool) {
        reserve(5)
        put(Int32(1))
        put(UInt8(value ? 1 : 0))
    }

    /// A `date`, given as days since 1970-01-01 (negative before).
    public mutating func appendDate(daysSince1970: Int32) {
        reserve(8)
        put(Int32(4))
        // Wraps only far outside PostgreSQL's range, which the server rejects.
        put(daysSince1970 &- Self.epochDays)
    }

    /// A `time` (without time zone), as microseconds since midnight.
    public mutating func appendTime(microsSinceMidnight: Int64) {
        reserve(12)
        put(Int32(8))
        put(microsSinceMidnight)
    }

    /// A `timestamp`, or a `timestamptz` (then the value is a UTC instant),
    /// as microseconds since 1970-01-01 00:00:00.
    public mutating func appendTimestamp(microsSince1970: Int64) {
        reserve(12)
        put(Int32(8))
        put(microsSince1970 &- Self.epochMicros)
    }

    /// A `text` (or `varchar`) value, as UTF-8.
    public mutating func appendText(_ value: String) {
        let length = value.utf8.count
        reserve(4 + length)
        put(Int32(length))
        let destination = bytes + count
        let copied: Void? = value.utf8.withContiguousStorageIfAvailable { source in
            if let base = source.baseAddress { destination.copyMemory(from: base, byteCount: source.count) }
        }
        if copied == nil {
            for (offset, byte) in value.utf8.enumerated() { destination.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self) }
        }
        count += length
    }

    /// The trailer, then everything still buffered.
    mutating func finish() {
        reserve(2)
        put(Int16(-1))
        flush()
    }

    @inline(__always)
    private mutating func put<Value: FixedWidthInteger>(_ value: Value) {
        bytes.storeBytes(of: value.bigEndian, toByteOffset: count, as: Value.self)
        count += MemoryLayout<Value>.size
    }

    /// Makes room for `size` more bytes: sends what is buffered when the
    /// chunk is full, and grows the buffer for a value larger than a chunk.
    @inline(__always)
    private mutating func reserve(_ size: Int) {
        if count + size > capacity { makeRoom(size) }
    }

    private mutating func makeRoom(_ size: Int) {
        flush()
        guard size > capacity else { return }
        bytes.deallocate()
        capacity = size
        bytes = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    private mutating func flush() {
        defer { count = 0 }
        guard !sendFailed else { return }
        var offset = 0
        while offset < count {
            let size = min(count - offset, Int(Int32.max))
            guard pq.pointee.putCopyData(connection, bytes.advanced(by: offset).assumingMemoryBound(to: CChar.self), Int32(size)) == 1
            else {
                sendFailed = true
                return
            }
            offset += size
        }
    }
}
