/// Writes Thrift structs in the compact protocol, the encoding of Parquet's
/// page headers and footer. Only what Parquet writers need: i8/i32/i64,
/// bool, binary, structs (and unions, which encode as structs) and lists.
///
/// Fields must be written in increasing id order within a struct; ids are
/// written as deltas from the previous field of the same struct.
struct ThriftCompactWriter {
    /// The compact protocol's type codes.
    enum FieldType: UInt8 {
        case boolTrue = 1
        case boolFalse = 2
        case i8 = 3
        case i16 = 4
        case i32 = 5
        case i64 = 6
        case double = 7
        case binary = 8
        case list = 9
        case set = 10
        case map = 11
        case `struct` = 12
    }

    private(set) var bytes: [UInt8] = []
    private var lastFieldID: Int16 = 0
    private var enclosingFieldIDs: [Int16] = []

    init() {}

    mutating func i8(_ id: Int16, _ value: Int8) {
        fieldHeader(id, .i8)
        bytes.append(UInt8(bitPattern: value))
    }

    mutating func i32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        varint(zigzag(Int64(value)))
    }

    mutating func i64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        varint(zigzag(value))
    }

    /// A bool field carries its value in the field header.
    mutating func bool(_ id: Int16, _ value: Bool) {
        fieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    mutating func binary(_ id: Int16, _ value: some Collection<UInt8>) {
        fieldHeader(id, .binary)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ id: Int16, _ value: String) {
        binary(id, value.utf8)
    }

    /// A struct (or union) field whose fields `body` writes.
    mutating func structField(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, .struct)
        structBody(body)
    }

    /// A list of i32 (Parquet's enums are i32).
    mutating func i32List(_ id: Int16, _ values: [Int32]) {
        fieldHeader(id, .list)
        listHeader(.i32, count: values.count)
        for v in values { varint(zigzag(Int64(v))) }
    }

    mutating func stringList(_ id: Int16, _ values: [String]) {
        fieldHeader(id, .list)
        listHeader(.binary, count: values.count)
        for v in values {
            varint(UInt64(v.utf8.count))
            bytes.append(contentsOf: v.utf8)
        }
    }

    /// A list of structs, one per element of `elements`, each written by `body`.
    mutating func structList<T>(_ id: Int16, _ elements: [T], _ body: (inout ThriftCompactWriter, T) -> Void) {
        fieldHeader(id, .list)
        listHeader(.struct, count: elements.count)
        for e in elements { structBody { body(&$0, e) } }
    }

    /// Ends the top-level struct.
    mutating func stop() {
        bytes.append(0)
    }

    private mutating func structBody(_ body: (inout ThriftCompactWriter) -> Void) {
        enclosingFieldIDs.append(lastFieldID)
        lastFieldID = 0
        body(&self)
        bytes.append(0)  // STOP
        lastFieldID = enclosingFieldIDs.removeLast()
    }

    private mutating func fieldHeader(_ id: Int16, _ type: FieldType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(zigzag(Int64(id)))
        }
        lastFieldID = id
    }

    private mutating func listHeader(_ elementType: FieldType, count: Int) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            varint(UInt64(count))
        }
    }

    private func zigzag(_ v: Int64) -> UInt64 {
        UInt64(bitPattern: (v << 1) ^ (v >> 63))
    }

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}
