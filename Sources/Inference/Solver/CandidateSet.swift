import CasparianCore

/// A set of hypotheses about a column — a type, or a type with a text
/// format — as one bit each, so testing and eliminating them is bitwise.
///
/// Bits 0–6 are `boolean`, `int64`, `float64` and the four temporal types as
/// typed values (a plugin that yields `datetime.date` proves `date` without a
/// format); bits 7–10 are numbers in a `NumberFormat` notation, one per
/// notation — digit grouping, and percentages (int64 or float64 depending
/// on whether a value had a fraction under it); the rest are the text formats of
/// `TemporalFormat.candidates`.
/// `string` is not a bit: every value is a string, so it is what remains when
/// every bit is gone.
public struct CandidateSet: Sendable, Hashable {
    public var bits: UInt64
    public init(bits: UInt64) { self.bits = bits }

    static let boolean = CandidateSet(bits: 1 << 0)
    static let int64 = CandidateSet(bits: 1 << 1)
    static let float64 = CandidateSet(bits: 1 << 2)
    static let nativeDate = CandidateSet(bits: 1 << 3)
    static let nativeTime = CandidateSet(bits: 1 << 4)
    static let nativeTimestamp = CandidateSet(bits: 1 << 5)
    static let nativeTimestampTZ = CandidateSet(bits: 1 << 6)
    /// Numbers in `NumberFormat.all[bit - firstGroupedBit]` notation.
    static let firstGroupedBit = 7
    static let grouped = CandidateSet(bits: 0b1111 << 7)
    /// The percent notation's bit, one of `grouped`.
    static let percent = CandidateSet(bits: 1 << 10)
    static let firstFormatBit = 11

    static let empty = CandidateSet(bits: 0)
    /// Every hypothesis: where a column starts.
    static let all = CandidateSet(bits: (1 << UInt64(firstFormatBit + HypothesisSpace.formats.count)) - 1)

    public var isEmpty: Bool { bits == 0 }
    var count: Int { bits.nonzeroBitCount }
    func contains(_ o: CandidateSet) -> Bool { bits & o.bits == o.bits }
    func intersects(_ o: CandidateSet) -> Bool { bits & o.bits != 0 }
    static func & (a: CandidateSet, b: CandidateSet) -> CandidateSet { CandidateSet(bits: a.bits & b.bits) }
    static func | (a: CandidateSet, b: CandidateSet) -> CandidateSet { CandidateSet(bits: a.bits | b.bits) }
    static prefix func ~ (a: CandidateSet) -> CandidateSet { CandidateSet(bits: ~a.bits & all.bits) }
    static func bit(_ i: Int) -> CandidateSet { CandidateSet(bits: 1 << UInt64(i)) }

    /// The bit indices in the set, lowest first.
    var indices: [Int] {
        var out: [Int] = []
        var b = bits
        while b != 0 {
            out.append(b.trailingZeroBitCount)
            b &= b - 1
        }
        return out
    }
}

/// What each bit of a `CandidateSet` stands for.
enum HypothesisSpace {
    /// The text formats the solver tries, in bit order after the typed bits.
    static let formats: [TemporalFormat] = TemporalFormat.candidates

    /// Bits of the text formats with seconds (`%H:%M:%S`), which also read a
    /// value written without them.
    static let secondsBits = CandidateSet(
        bits: formats.indices.reduce(UInt64(0)) { bits, k in
            formats[k].secondslessSteps == nil ? bits : bits | (1 << UInt64(CandidateSet.firstFormatBit + k))
        })

    /// (a format with seconds, the same format without them) for every pair
    /// of candidates: when both stand, the one without is exact and the
    /// other is dropped.
    static let secondslessSiblings: [(CandidateSet, CandidateSet)] = formats.indices.compactMap { k in
        guard let plain = formats[k].patternWithoutSeconds, let j = formats.firstIndex(where: { $0.pattern == plain }) else { return nil }
        return (.bit(CandidateSet.firstFormatBit + k), .bit(CandidateSet.firstFormatBit + j))
    }

    /// Bits of the formats of each temporal type, plus its typed-value bit.
    static let dateBits = mask(of: .date) | .nativeDate
    static let timeBits = mask(of: .time) | .nativeTime
    static let timestampBits = mask(of: .timestamp) | .nativeTimestamp
    static let timestampTZBits = mask(of: .timestampTZ) | .nativeTimestampTZ

    private static func mask(of type: DataType) -> CandidateSet {
        var m = CandidateSet.empty
        for (k, f) in formats.enumerated() where f.type == type { m = m | .bit(CandidateSet.firstFormatBit + k) }
        return m
    }

    /// The notation of a grouped-number bit.
    static func numberFormat(ofBit i: Int) -> NumberFormat? {
        CandidateSet.bit(i).intersects(.grouped) ? NumberFormat.all[i - CandidateSet.firstGroupedBit] : nil
    }

    /// The type a bit stands for; a grouped-number bit is float64 here (its
    /// reported type depends on the values: see `candidate(bit:fractionBits:)`).
    static func type(ofBit i: Int) -> DataType {
        switch i {
        case 0: return .boolean
        case 1: return .int64
        case 2: return .float64
        case 3: return .date
        case 4: return .time
        case 5: return .timestamp
        case 6: return .timestampTZ
        case CandidateSet.firstGroupedBit..<CandidateSet.firstFormatBit: return .float64
        default: return formats[i - CandidateSet.firstFormatBit].type
        }
    }

    static func format(ofBit i: Int) -> TemporalFormat? {
        i >= CandidateSet.firstFormatBit ? formats[i - CandidateSet.firstFormatBit] : nil
    }

    /// "int64", "date %m/%d/%Y", "number #,##0.#": how evidence names an
    /// eliminated hypothesis.
    static func label(ofBit i: Int) -> String {
        if let f = format(ofBit: i) { return "\(f.type.rawValue) \(f.pattern)" }
        if let n = numberFormat(ofBit: i) { return "number \(n.pattern(for: .float64))" }
        return type(ofBit: i).rawValue
    }

    /// Labels for a set, folding whole families ("every date format").
    static func labels(_ set: CandidateSet) -> [String] {
        var rest = set
        var out: [String] = []
        for (name, family) in [
            ("date", dateBits), ("time", timeBits), ("timestamp", timestampBits),
            ("timestamp_tz", timestampTZBits),
        ] {
            let formatsOnly = family & ~CandidateSet(bits: 0b111_1111)
            if formatsOnly.count > 2, rest.contains(formatsOnly) {
                out.append("\(name) (every text format)")
                rest = rest & ~formatsOnly
            }
        }
        return rest.indices.map(label(ofBit:)) + out
    }
}
