/// A block of records from a delimited file, as unescaped UTF-8 field bytes
/// with bounds: no `String` per field, so inference can read them directly.
/// Records may have any number of fields (ragged rows stay visible).
public struct TextRecords: Sendable {
    /// Field bytes, back to back.
    public internal(set) var bytes: [UInt8] = []
    /// Field `k` is `bytes[fieldBounds[k] ..< fieldBounds[k + 1]]`.
    var fieldBounds: [Int] = [0]
    /// Record `r` holds fields `recordStarts[r] ..< recordStarts[r + 1]`.
    var recordStarts: [Int] = [0]
    /// The 0-based data row (header excluded) of the first record in the file.
    public internal(set) var firstRow = 0
    /// Where each record starts: its byte offset in the file's text (as read, UTF-8).
    var recordOffsets: [Int] = []

    public init() {}

    public var count: Int { recordStarts.count - 1 }

    public func fieldCount(_ record: Int) -> Int { recordStarts[record + 1] - recordStarts[record] }

    /// The byte offset in the file's text (as read, UTF-8) where record `record` starts.
    public func offset(_ record: Int) -> Int { recordOffsets[record] }

    /// Calls `body` with the bytes of a field; nil when the record is shorter.
    @inline(__always)
    public func withField<R>(_ record: Int, _ column: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        let f = recordStarts[record] + column
        guard f < recordStarts[record + 1] else { return body(nil) }
        let lo = fieldBounds[f]
        let hi = fieldBounds[f + 1]
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[lo..<hi])) }
    }

    /// Calls `body` with the 0-based record index and the bytes of field
    /// `column` of every record (nil where a record is shorter): the fast
    /// column-wise pass inference uses.
    @inline(__always)
    public func forEachField(column: Int, _ body: (Int, UnsafeBufferPointer<UInt8>?) -> Void) {
        bytes.withUnsafeBufferPointer { data in
            fieldBounds.withUnsafeBufferPointer { bounds in
                recordStarts.withUnsafeBufferPointer { starts in
                    for r in 0..<(starts.count - 1) {
                        let f = starts[r] + column
                        if f < starts[r + 1] {
                            body(r, UnsafeBufferPointer(rebasing: data[bounds[f]..<bounds[f + 1]]))
                        } else {
                            body(r, nil)
                        }
                    }
                }
            }
        }
    }

    /// A field as text; nil when the record is shorter.
    public func field(_ record: Int, _ column: Int) -> String? {
        withField(record, column) { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// The fields of one record as text.
    public func record(_ r: Int) -> [String] {
        (0..<fieldCount(r)).map { field(r, $0) ?? "" }
    }

    mutating func removeAll(firstRow: Int) {
        bytes.removeAll(keepingCapacity: true)
        fieldBounds.removeAll(keepingCapacity: true)
        fieldBounds.append(0)
        recordStarts.removeAll(keepingCapacity: true)
        recordStarts.append(0)
        recordOffsets.removeAll(keepingCapacity: true)
        self.firstRow = firstRow
    }

    @inline(__always)
    mutating func endField() { fieldBounds.append(bytes.count) }

    @inline(__always)
    mutating func endRecord(startingAt offset: Int) {
        recordStarts.append(fieldBounds.count - 1)
        recordOffsets.append(offset)
    }

    /// Drops the last record (a blank line).
    mutating func dropLastRecord() {
        recordStarts.removeLast()
        recordOffsets.removeLast()
        let keepFields = recordStarts[recordStarts.count - 1]
        fieldBounds.removeSubrange((keepFields + 1)...)
        bytes.removeSubrange(fieldBounds[keepFields]...)
    }
}
