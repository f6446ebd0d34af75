import CasparianCore

/// One column's values of the row group being built, as typed arrays: a
/// validity flag per row (nullable columns only) and the non-null values
/// densely, in the one array the column's physical type uses.
struct ColumnBuffer {
    /// How a column's values are stored and encoded.
    enum Physical {
        case int64
        case int32
        case double
        case boolean
        case byteArray
    }

    let field: ParquetField
    let physical: Physical
    /// Per row, nullable columns only: true where the row has a value.
    var validity: [Bool] = []
    var int64s: [Int64] = []
    var int32s: [Int32] = []
    var doubles: [Double] = []
    var booleans: [Bool] = []
    /// Byte arrays: their bytes back to back, and where each ends.
    var bytes: [UInt8] = []
    var ends: [Int] = []

    init(field: ParquetField) {
        self.field = field
        switch field.type {
        case .int64, .time, .timestamp: physical = .int64
        case .date: physical = .int32
        case .double: physical = .double
        case .boolean: physical = .boolean
        case .string: physical = .byteArray
        }
    }

    /// Non-null values buffered.
    var valueCount: Int {
        switch physical {
        case .int64: return int64s.count
        case .int32: return int32s.count
        case .double: return doubles.count
        case .boolean: return booleans.count
        case .byteArray: return ends.count
        }
    }

    /// Roughly what the buffered values take PLAIN encoded.
    var plainBytes: Int {
        switch physical {
        case .int64, .double: return valueCount * 8 + validity.count / 8
        case .int32: return valueCount * 4 + validity.count / 8
        case .boolean: return valueCount / 8 + validity.count / 8
        case .byteArray: return bytes.count + ends.count * 4 + validity.count / 8
        }
    }

    /// Where an `append` can be undone to.
    struct Mark {
        var rows: Int
        var values: Int
        var bytes: Int
    }

    var mark: Mark { Mark(rows: validity.count, values: valueCount, bytes: bytes.count) }

    /// Drops everything appended since `mark`.
    mutating func rollBack(to mark: Mark) {
        validity.removeLast(validity.count - mark.rows)
        switch physical {
        case .int64: int64s.removeLast(int64s.count - mark.values)
        case .int32: int32s.removeLast(int32s.count - mark.values)
        case .double: doubles.removeLast(doubles.count - mark.values)
        case .boolean: booleans.removeLast(booleans.count - mark.values)
        case .byteArray:
            ends.removeLast(ends.count - mark.values)
            bytes.removeLast(bytes.count - mark.bytes)
        }
    }

    /// Appends `rowCount` rows of `input`; on a value the field cannot take,
    /// returns the row and value (the caller rolls back).
    mutating func append(_ input: ParquetColumnInput, rowCount: Int) -> (row: Int, value: CellValue)? {
        switch input {
        case .cells(let cells):
            for (row, cell) in cells.enumerated() where !append(cell) { return (row, cell) }
        case .constant(let value):
            for row in 0..<rowCount where !append(value) { return (row, value) }
        case .nulls:
            guard rowCount > 0 else { return nil }
            guard field.nullable else { return (0, .null) }
            validity.append(contentsOf: repeatElement(false, count: rowCount))
        case .sequence(let start):
            guard rowCount > 0 else { return nil }
            guard field.type == .int64 else { return (0, .int(start)) }
            if field.nullable { validity.append(contentsOf: repeatElement(true, count: rowCount)) }
            int64s.reserveCapacity(int64s.count + rowCount)
            for i in 0..<Int64(rowCount) { int64s.append(start &+ i) }
        }
        return nil
    }

    /// Appends one value normalised to the field's type, as the SQLite
    /// output store does; false when the field cannot take it.
    @inline(__always)
    private mutating func append(_ value: CellValue) -> Bool {
        switch (value, field.type) {
        case (.null, _), (.absent, _):
            guard field.nullable else { return false }
            validity.append(false)
            return true
        case (.int(let v), .int64): int64s.append(v)
        case (.bool(let b), .int64): int64s.append(b ? 1 : 0)
        case (.float(let d), .double): doubles.append(d)
        case (.int(let v), .double): doubles.append(Double(v))
        case (.decimal(let s), .double):
            guard let d = Double(s) else { return false }
            doubles.append(d)
        case (.bool(let b), .boolean): booleans.append(b)
        case (.string(let s), .string), (.decimal(let s), .string):
            var s = s
            s.withUTF8 { bytes.append(contentsOf: $0) }
            ends.append(bytes.count)
        case (.date(let days), .date): int32s.append(days)
        case (.time(let micros), .time): int64s.append(micros)
        case (.timestamp(let micros), .timestamp(adjustedToUTC: false)): int64s.append(micros)
        case (.timestampTZ(let micros, _), .timestamp(adjustedToUTC: true)): int64s.append(micros)
        default: return false
        }
        if field.nullable { validity.append(true) }
        return true
    }

    /// Removes the first `rows` rows (a flushed row group).
    mutating func removeFirst(rows: Int) {
        let values = field.nullable ? validity[..<rows].reduce(0) { $0 + ($1 ? 1 : 0) } : rows
        if field.nullable { validity.removeFirst(rows) }
        switch physical {
        case .int64: int64s.removeFirst(values)
        case .int32: int32s.removeFirst(values)
        case .double: doubles.removeFirst(values)
        case .boolean: booleans.removeFirst(values)
        case .byteArray:
            guard values > 0 else { return }
            let cut = ends[values - 1]
            bytes.removeFirst(cut)
            ends.removeFirst(values)
            for i in ends.indices { ends[i] -= cut }
        }
    }
}
