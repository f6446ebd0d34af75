import CasparianCore
import Foundation
import Parquet

/// A random table written as a Parquet file by random `append` calls, and
/// what readers must read back from it.
struct RandomTable {
    var fields: [ParquetField] = []
    var options = ParquetWriterOptions()
    /// The appends: rows and one input per field.
    var batches: [(rows: Int, inputs: [ParquetColumnInput])] = []
    /// Per field, every row's value normalised to the kind the column stores.
    var expected: [[CellValue]] = []

    var rowCount: Int { batches.reduce(0) { $0 + $1.rows } }

    static let types: [ParquetColumnType] = [
        .int64, .double, .boolean, .date, .time, .timestamp(adjustedToUTC: false), .timestamp(adjustedToUTC: true), .string,
    ]

    init(_ rng: inout SplitMix64, rows: Int) {
        options.compression = Bool.random(using: &rng) ? .zstd(level: Int32.random(in: 1...5, using: &rng)) : .uncompressed
        options.rowGroupRows = [1, 7, 100, 1000, 4096, 122_880].randomElement(using: &rng)!
        options.rowGroupBytes = [20_000, 64 << 20].randomElement(using: &rng)!
        options.pageBytes = [16, 1000, 8192, 1 << 20].randomElement(using: &rng)!
        options.dictionaryMaxBytes = [0, 200, 5000, 1 << 20].randomElement(using: &rng)!
        let columnCount = Int.random(in: 1...6, using: &rng)
        var nullRatios: [Double] = []
        var lowCardinality: [Bool] = []
        for c in 0..<columnCount {
            let nullable = Bool.random(using: &rng)
            fields.append(ParquetField(name: "c\(c)", type: Self.types.randomElement(using: &rng)!, nullable: nullable))
            nullRatios.append(nullable ? [0, 0.01, 0.3, 0.5, 0.9, 1].randomElement(using: &rng)! : 0)
            lowCardinality.append(Bool.random(using: &rng))
        }
        expected = Array(repeating: [], count: columnCount)
        var appended = 0
        repeat {
            let n = min(rows - appended, [0, 1, 5, 300, 3000, rows].randomElement(using: &rng)!)
            var inputs: [ParquetColumnInput] = []
            for (c, field) in fields.enumerated() {
                let kind = Int.random(in: 0..<10, using: &rng)
                if kind == 0 && field.nullable {
                    inputs.append(.nulls)
                    expected[c] += Array(repeating: .null, count: n)
                } else if kind == 1 && field.type == .int64 {
                    let start = Int64.random(in: -1_000_000...1_000_000, using: &rng)
                    inputs.append(.sequence(start: start))
                    expected[c] += (0..<Int64(n)).map { .int(start + $0) }
                } else if kind == 2 {
                    let v = Self.value(field, nullRatio: nullRatios[c], low: lowCardinality[c], &rng)
                    inputs.append(.constant(v))
                    expected[c] += Array(repeating: Self.normalised(v, field.type), count: n)
                } else {
                    let cells = (0..<n).map { _ in Self.value(field, nullRatio: nullRatios[c], low: lowCardinality[c], &rng) }
                    inputs.append(.cells(cells))
                    expected[c] += cells.map { Self.normalised($0, field.type) }
                }
            }
            batches.append((n, inputs))
            appended += n
        } while appended < rows
    }

    func write(to path: String) throws -> ParquetFileSummary {
        let writer = try ParquetFileWriter(path: path, fields: fields, options: options)
        for batch in batches { try writer.append(batch.inputs, rowCount: batch.rows) }
        return try writer.close()
    }

    static let strings = ["", "a", "b", "ab", "\u{0}", "é", "😀", "日本語", "a\u{0}b", String(repeating: "long", count: 20)]

    static func value(_ field: ParquetField, nullRatio: Double, low: Bool, _ rng: inout SplitMix64) -> CellValue {
        if nullRatio > 0 && Double.random(in: 0..<1, using: &rng) < nullRatio {
            return Bool.random(using: &rng) ? .null : .absent
        }
        let edge = Int.random(in: 0..<8, using: &rng) == 0
        switch field.type {
        case .int64:
            if edge { return [.int(.min), .int(.max), .int(0), .bool(true), .bool(false)].randomElement(using: &rng)! }
            return .int(low ? Int64.random(in: 0...9, using: &rng) : Int64(bitPattern: rng.next()))
        case .double:
            if edge {
                return [.float(.nan), .float(.infinity), .float(-.infinity), .float(-0.0), .float(0), .int(-3), .decimal("1.25")]
                    .randomElement(using: &rng)!
            }
            return .float(low ? Double(Int.random(in: 0...9, using: &rng)) : Double.random(in: -1e12...1e12, using: &rng))
        case .boolean:
            return .bool(Bool.random(using: &rng))
        case .date:
            return .date(
                days: edge ? [-719_162, 2_932_896, 0].randomElement(using: &rng)! : Int32.random(in: -30_000...30_000, using: &rng))
        case .time:
            return .time(
                micros: edge ? [0, 86_399_999_999].randomElement(using: &rng)! : Int64.random(in: 0..<86_400_000_000, using: &rng))
        case .timestamp(let utc):
            let micros =
                edge
                ? [-62_135_596_800_000_000, 253_402_300_799_999_999, 0].randomElement(using: &rng)!
                : Int64.random(in: -4_000_000_000_000_000...4_000_000_000_000_000, using: &rng)
            return utc
                ? .timestampTZ(micros: micros, offsetSeconds: Int32.random(in: -50_000...50_000, using: &rng)) : .timestamp(micros: micros)
        case .string:
            if low { return .string(strings.randomElement(using: &rng)!) }
            if edge { return .decimal("-0.001") }
            let scalars = (0..<Int.random(in: 0...90, using: &rng)).map { _ in
                Character(
                    Unicode.Scalar(
                        [0x41, 0x7A, 0xE9, 0x4E2D, 0x1F600, 0].randomElement(using: &rng)! + UInt32.random(in: 0...3, using: &rng))!)
            }
            return .string(String(scalars))
        }
    }

    /// The value as the column stores it: what readers must give back.
    static func normalised(_ v: CellValue, _ type: ParquetColumnType) -> CellValue {
        switch (v, type) {
        case (.absent, _): return .null
        case (.bool(let b), .int64): return .int(b ? 1 : 0)
        case (.int(let i), .double): return .float(Double(i))
        case (.decimal(let s), .double): return .float(Double(s)!)
        case (.decimal(let s), .string): return .string(s)
        default: return v
        }
    }

    /// The statistics pyarrow must report for `values` (one row group of a
    /// column of `type`): nulls, and canonical min and max (nil: none).
    static func statistics(_ values: ArraySlice<CellValue>, _ type: ParquetColumnType) -> (nulls: Int, min: String?, max: String?) {
        let nulls = values.filter(\.isNull).count
        switch type {
        case .double:
            let ds = values.compactMap { v -> Double? in if case .float(let d) = v, !d.isNaN { return d } else { return nil } }
            guard var lo = ds.min(), var hi = ds.max() else { return (nulls, nil, nil) }
            if lo == 0 { lo = -0.0 }
            if hi == 0 { hi = 0.0 }
            return (nulls, canonicalDouble(lo), canonicalDouble(hi))
        case .boolean:
            let bs = values.compactMap { v -> Bool? in if case .bool(let b) = v { return b } else { return nil } }
            guard !bs.isEmpty else { return (nulls, nil, nil) }
            return (nulls, bs.contains(false) ? "false" : "true", bs.contains(true) ? "true" : "false")
        case .string:
            let ss = values.compactMap { v -> [UInt8]? in if case .string(let s) = v { return Array(s.utf8) } else { return nil } }
            guard let lo = ss.min(by: { $0.lexicographicallyPrecedes($1) }), let hi = ss.max(by: { $0.lexicographicallyPrecedes($1) }),
                lo.count <= 64 && hi.count <= 64
            else { return (nulls, nil, nil) }
            return (nulls, hex(lo), hex(hi))
        case .int64, .date, .time, .timestamp:
            let ints = values.compactMap { v -> Int64? in
                switch v {
                case .int(let i), .time(let i), .timestamp(let i), .timestampTZ(let i, _): return i
                case .date(let d): return Int64(d)
                default: return nil
                }
            }
            guard let lo = ints.min(), let hi = ints.max() else { return (nulls, nil, nil) }
            return (nulls, "\(lo)", "\(hi)")
        }
    }
}
