import CasparianCore
import Foundation

/// What a parser made of one file, kept small enough to compare versions
/// without keeping the output twice: per output, its columns and a 32-bit
/// hash of every cell (row-major) — 4 bytes a cell, against the tens of
/// bytes the value takes. Two versions' digests of a file say which rows
/// were added, removed or changed and which columns changed; the values of
/// a few examples come from parsing those files again (`OutputChanges`).
public struct FileOutputDigest: Sendable, Equatable {
    public struct Output: Sendable, Equatable {
        public var columns: [String]
        /// Cell hashes, row after row.
        public var cells: [UInt32]

        public var rowCount: Int { columns.isEmpty ? 0 : cells.count / columns.count }
    }

    public var outputs: [String: Output] = [:]

    public init(outputs: [String: Output] = [:]) { self.outputs = outputs }

    public var rowCount: Int { outputs.values.reduce(0) { $0 + $1.rowCount } }

    /// Adds a batch's rows (a batch whose columns differ from the output's
    /// earlier ones is aligned by name; a column new to the output is added
    /// with null hashes for the rows before).
    public mutating func add(_ batch: RowBatch) {
        // Taken out of the dictionary, so appending does not copy the cells.
        var out = outputs.removeValue(forKey: batch.output) ?? Output(columns: [], cells: [])
        defer { outputs[batch.output] = out }
        let null = Self.hash(.null)
        for name in batch.columnNames where !out.columns.contains(name) {
            let rows = out.rowCount
            let width = out.columns.count
            var widened = [UInt32]()
            widened.reserveCapacity((width + 1) * rows)
            for r in 0..<rows {
                widened.append(contentsOf: out.cells[(r * width)..<((r + 1) * width)])
                widened.append(null)
            }
            out.columns.append(name)
            out.cells = widened
        }
        let width = out.columns.count
        let start = out.cells.count
        let slots = out.columns.map { batch.columnNames.firstIndex(of: $0) }
        out.cells.append(contentsOf: repeatElement(null, count: batch.rowCount * width))
        out.cells.withUnsafeMutableBufferPointer { cells in
            for (j, slot) in slots.enumerated() {
                guard let slot else { continue }
                Self.hash(batch.columns[slot], rows: batch.rowCount, into: cells, from: start + j, stride: width)
            }
        }
    }

    /// Hashes a column's first `rows` values into every `stride`-th cell
    /// from `from`, reading them in place (a copy of each retained and
    /// released its text).
    private static func hash(
        _ column: [CellValue], rows: Int, into cells: UnsafeMutableBufferPointer<UInt32>, from: Int, stride: Int
    ) {
        column.withUnsafeBufferPointer { values in
            var at = from
            for r in 0..<min(rows, values.count) {
                cells[at] = hash(values[r])
                at += stride
            }
        }
    }

    /// A kind tag and the value's exact bytes, mixed 8 bytes at a time
    /// (multiply and shift; null and a missing key hash alike: both store NULL).
    /// Pure functions of their inputs: a mutable hash captured by the text's
    /// closure cost an exclusivity check a cell.
    @inline(__always)
    static func hash(_ value: borrowing CellValue) -> UInt32 {
        let seed: UInt64 = 0x243f_6a88_85a3_08d3
        let h: UInt64
        switch value {
        case .null, .absent: h = mix(seed, 0)
        case .bool(let b): h = mix(seed, b ? 0x101 : 0x100)
        case .int(let i): h = mix(mix(seed, 2), UInt64(bitPattern: i))
        case .float(let d): h = mix(mix(seed, 3), d.bitPattern)
        case .string(let s): h = mix(mix(seed, 4), text: s)
        case .bytes(let b): h = b.withUnsafeBytes { mix(mix(seed, 5), bytes: $0) }
        case .decimal(let s): h = mix(mix(seed, 6), text: s)
        case .date(let days): h = mix(mix(seed, 7), UInt64(bitPattern: Int64(days)))
        case .time(let micros): h = mix(mix(seed, 8), UInt64(bitPattern: micros))
        case .timestamp(let micros): h = mix(mix(seed, 9), UInt64(bitPattern: micros))
        case .timestampTZ(let micros, let offset):
            h = mix(mix(mix(seed, 10), UInt64(bitPattern: micros)), UInt64(bitPattern: Int64(offset)))
        }
        return UInt32(truncatingIfNeeded: h ^ (h >> 32))
    }

    @inline(__always)
    private static func mix(_ h: UInt64, _ v: UInt64) -> UInt64 {
        let m = (h ^ v) &* 0x9e37_79b9_7f4a_7c15
        return m ^ (m >> 29)
    }

    @inline(__always)
    private static func mix(_ h: UInt64, bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = h
        var i = 0
        while i + 8 <= bytes.count {
            h = mix(h, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        return mix(h, tail ^ (UInt64(bytes.count) << 56))
    }

    /// The text's bytes where they are (a native or small string); a copy only otherwise.
    @inline(__always)
    private static func mix(_ h: UInt64, text: String) -> UInt64 {
        if let mixed = text.utf8.withContiguousStorageIfAvailable({ mix(h, bytes: UnsafeRawBufferPointer($0)) }) { return mixed }
        var copy = text
        return copy.withUTF8 { mix(h, bytes: UnsafeRawBufferPointer($0)) }
    }

    // MARK: - Stored form

    /// `CFD1`, then per output: name, column names, row count, cells (LE).
    public var data: Data {
        var d = Data()
        encode(into: &d)
        return d
    }

    /// Bytes the stored form takes.
    var encodedCount: Int {
        outputs.reduce(8) { sum, entry in
            sum + 12 + entry.key.utf8.count + entry.value.columns.reduce(0) { $0 + 4 + $1.utf8.count } + 4 * entry.value.cells.count
        }
    }

    /// Appends the stored form to `d` (the cells copied once).
    func encode(into d: inout Data) {
        d.reserveCapacity(d.count + encodedCount)
        d.append(contentsOf: Array("CFD1".utf8))
        func put32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func putText(_ s: String) {
            put32(UInt32(s.utf8.count))
            d.append(contentsOf: Array(s.utf8))
        }
        put32(UInt32(outputs.count))
        for (name, out) in outputs.sorted(by: { $0.key < $1.key }) {
            putText(name)
            put32(UInt32(out.columns.count))
            for c in out.columns { putText(c) }
            put32(UInt32(out.rowCount))
            #if _endian(little)
                out.cells.withUnsafeBytes { d.append(contentsOf: $0) }
            #else
                out.cells.map { $0.littleEndian }.withUnsafeBytes { d.append(contentsOf: $0) }
            #endif
        }
    }

    /// Reads `data`; nil when it is not a digest (a newer or damaged one).
    public init?(data: Data) {
        guard let digest = data.withUnsafeBytes({ Self(bytes: $0) }) else { return nil }
        self = digest
    }

    /// Reads a stored form from `bytes` (the cells copied once); nil when
    /// it is not a digest.
    init?(bytes: UnsafeRawBufferPointer) {
        var at = 0
        func get32() -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            defer { at += 4 }
            return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
        }
        func getText() -> String? {
            guard let n = get32().map(Int.init), at + n <= bytes.count else { return nil }
            defer { at += n }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + n)]), as: UTF8.self)
        }
        guard bytes.count >= 4, bytes.prefix(4).elementsEqual("CFD1".utf8) else { return nil }
        at = 4
        guard let count = get32() else { return nil }
        for _ in 0..<count {
            guard let name = getText(), let width = get32() else { return nil }
            var columns: [String] = []
            for _ in 0..<width {
                guard let c = getText() else { return nil }
                columns.append(c)
            }
            guard let rows = get32() else { return nil }
            let (n, overflow) = Int(rows).multipliedReportingOverflow(by: Int(width))
            guard !overflow, n <= (bytes.count - at) / 4 else { return nil }
            let start = at
            var cells = [UInt32](repeating: 0, count: n)
            cells.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + 4 * n)])) }
            at += 4 * n
            #if !_endian(little)
                cells = cells.map { UInt32(littleEndian: $0) }
            #endif
            outputs[name] = Output(columns: columns, cells: cells)
        }
    }
}

/// What changed between two parser versions' output of the files both
/// parsed: rows added, removed and changed per output, changed cells per
/// column, and up to `maxExamples` examples.
public struct OutputChanges: Codable, Sendable, Equatable {
    public struct Example: Codable, Sendable, Equatable {
        public var file: String
        public var output: String
        /// 1-based row of the new output (the old row when it was removed).
        public var row: Int
        public var column: String
        /// nil: that version's output had no such row, or no such column.
        public var old: String?
        public var new: String?
    }

    public var previousVersion: String
    public var version: String
    public var filesCompared: Int
    public var filesChanged: Int
    public var rowsAdded: Int
    public var rowsRemoved: Int
    public var rowsChanged: Int
    /// Changed cells per column (`output.column` when the plugin has several outputs).
    public var columnsChanged: [String: Int]
    public var examples: [Example]

    public static let maxExamples = 20

    public var isEmpty: Bool { rowsAdded == 0 && rowsRemoved == 0 && rowsChanged == 0 && columnsChanged.isEmpty }

    /// One line for people.
    public var summary: String {
        let against = previousVersion == version ? "the last backtest of this version" : previousVersion
        if isEmpty { return "no change in the output against \(against) (\(filesCompared) files compared)" }
        var parts: [String] = []
        if rowsChanged > 0 { parts.append("\(rowsChanged) rows changed") }
        if rowsAdded > 0 { parts.append("\(rowsAdded) added") }
        if rowsRemoved > 0 { parts.append("\(rowsRemoved) removed") }
        let columns = columnsChanged.sorted { $0.value > $1.value }.prefix(4).map { "\($0.key) \($0.value)" }
        if !columns.isEmpty { parts.append("cells changed: " + columns.joined(separator: ", ")) }
        return "against \(against), in \(filesChanged) of \(filesCompared) files: " + parts.joined(separator: "; ")
    }

    enum CodingKeys: String, CodingKey {
        case version, examples
        case previousVersion = "previous_version"
        case filesCompared = "files_compared"
        case filesChanged = "files_changed"
        case rowsAdded = "rows_added"
        case rowsRemoved = "rows_removed"
        case rowsChanged = "rows_changed"
        case columnsChanged = "columns_changed"
    }
}

/// One file's comparison: counts, and the cells an example may show.
struct FileComparison {
    var added = 0
    var removed = 0
    var changed = 0
    var columns: [String: Int] = [:]
    /// (output, new row index or old for removals, column, old row index) of changed cells, in order.
    var cells: [(output: String, newRow: Int?, oldRow: Int?, column: String)] = []

    var isEmpty: Bool { added == 0 && removed == 0 && changed == 0 && columns.isEmpty }

    /// Rows are matched first whole (equal over the columns both versions
    /// have), in order; the rows left on each side are then paired in order
    /// as changed rows, and what is left over was added or removed. A
    /// column only one version has counts as changed in every row.
    init(old: FileOutputDigest, new: FileOutputDigest, keyed: Bool, cellLimit: Int) {
        for name in Set(old.outputs.keys).union(new.outputs.keys).sorted() {
            let o = old.outputs[name] ?? .init(columns: [], cells: [])
            let n = new.outputs[name] ?? .init(columns: [], cells: [])
            let common = n.columns.filter { o.columns.contains($0) }
            let oi = common.map { o.columns.firstIndex(of: $0)! }
            let ni = common.map { n.columns.firstIndex(of: $0)! }
            /// A row's cells in the shared columns, as one 64-bit key.
            func key(_ d: FileOutputDigest.Output, _ idx: [Int], _ r: Int) -> UInt64 {
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                for i in idx { h = (h ^ UInt64(d.cells[r * d.columns.count + i])) &* 0x100_0000_01b3 }
                return h
            }
            // Whole-row matches where they stand, the common case: with the
            // same columns in the same order, the rows' cells compared as bytes.
            let sameLayout = o.columns == n.columns
            var matchedOld = [Bool](repeating: false, count: o.rowCount)
            var matchedNew = [Bool](repeating: false, count: n.rowCount)
            let aligned = min(o.rowCount, n.rowCount)
            if sameLayout {
                let width = o.columns.count
                o.cells.withUnsafeBufferPointer { oc in
                    n.cells.withUnsafeBufferPointer { nc in
                        for r in 0..<aligned where memcmp(oc.baseAddress! + r * width, nc.baseAddress! + r * width, 4 * width) == 0 {
                            matchedOld[r] = true
                            matchedNew[r] = true
                        }
                    }
                }
            } else {
                for r in 0..<aligned where key(o, oi, r) == key(n, ni, r) {
                    matchedOld[r] = true
                    matchedNew[r] = true
                }
            }
            if sameLayout, o.rowCount == n.rowCount, !matchedNew.contains(false) { continue }
            // The rest (rows moved, added, removed or changed) by key, in
            // order (a multiset: equal rows pair up one to one).
            var waiting: [UInt64: [Int]] = [:]
            for i in 0..<o.rowCount where !matchedOld[i] { waiting[key(o, oi, i), default: []].append(i) }
            var cursor: [UInt64: Int] = [:]
            var pendingNew: [Int] = []
            for r in 0..<n.rowCount where !matchedNew[r] {
                let k = key(n, ni, r)
                let c = cursor[k, default: 0]
                if let rows = waiting[k], c < rows.count {
                    matchedOld[rows[c]] = true
                    cursor[k] = c + 1
                } else {
                    pendingNew.append(r)
                }
            }
            let unmatchedOld = (0..<o.rowCount).filter { !matchedOld[$0] }
            let pairs = min(unmatchedOld.count, pendingNew.count)
            let label = { (column: String) in keyed ? "\(name).\(column)" : column }
            for p in 0..<pairs {
                let (or, nr) = (unmatchedOld[p], pendingNew[p])
                changed += 1
                for (j, column) in common.enumerated() where o.cells[or * o.columns.count + oi[j]] != n.cells[nr * n.columns.count + ni[j]]
                {
                    columns[label(column), default: 0] += 1
                    if cells.count < cellLimit { cells.append((name, nr, or, column)) }
                }
            }
            added += pendingNew.count - pairs
            removed += unmatchedOld.count - pairs
            // Columns only one version has changed in every row that exists;
            // their examples are the first rows that hold a value there.
            for (j, column) in n.columns.enumerated() where !o.columns.contains(column) && n.rowCount > 0 {
                columns[label(column), default: 0] += n.rowCount
                for r in Self.rowsWithValues(n, column: j, limit: cellLimit - cells.count) { cells.append((name, r, nil, column)) }
            }
            for (j, column) in o.columns.enumerated() where !n.columns.contains(column) && o.rowCount > 0 {
                columns[label(column), default: 0] += o.rowCount
                for r in Self.rowsWithValues(o, column: j, limit: cellLimit - cells.count) { cells.append((name, nil, r, column)) }
            }
        }
    }

    /// The first `limit` rows of `output` whose cell in `column` is not null.
    private static func rowsWithValues(_ output: FileOutputDigest.Output, column j: Int, limit: Int) -> [Int] {
        let null = FileOutputDigest.hash(.null)
        var rows: [Int] = []
        var r = 0
        while rows.count < limit, r < output.rowCount {
            if output.cells[r * output.columns.count + j] != null { rows.append(r) }
            r += 1
        }
        return rows
    }
}
