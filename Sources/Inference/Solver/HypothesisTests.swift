import CasparianCore

/// Tests trimmed text against the hypotheses still standing.
enum HypothesisTests {
    /// The formats as a contiguous buffer, so the hot loop reads them
    /// without retain/release traffic on an array.
    nonisolated(unsafe) static let formats: UnsafeMutableBufferPointer<TemporalFormat> = {
        let buffer = UnsafeMutableBufferPointer<TemporalFormat>.allocate(capacity: HypothesisSpace.formats.count)
        _ = buffer.initialize(from: HypothesisSpace.formats)
        return buffer
    }()

    /// A candidate format as plain data (steps behind a pointer that lives
    /// as long as the process): testing it costs no reference counting.
    struct CompiledFormat {
        var steps: UnsafeBufferPointer<TemporalStep>
        var hasDate: Bool
        var hasTime: Bool
        var layout: FixedLayout

        @inline(__always)
        func fits(_ b: UnsafeBufferPointer<UInt8>) -> (ok: Bool, fraction: Bool) {
            var f = TemporalFields()
            if b.count == layout.length {
                if layout.read(b, into: &f) {
                    return (TemporalFormat.rangeViolation(&f, hasDate: hasDate, hasTime: hasTime) == nil, false)
                }
                if layout.mismatchIsFinal { return (false, false) }
            }
            guard TemporalFormat.scan(b, steps: steps, into: &f),
                TemporalFormat.rangeViolation(&f, hasDate: hasDate, hasTime: hasTime) == nil
            else { return (false, false) }
            return (true, f.fraction)
        }
    }

    nonisolated(unsafe) static let compiled: UnsafeMutableBufferPointer<CompiledFormat> = {
        let buffer = UnsafeMutableBufferPointer<CompiledFormat>.allocate(capacity: HypothesisSpace.formats.count)
        for (k, f) in HypothesisSpace.formats.enumerated() {
            let steps = UnsafeMutableBufferPointer<TemporalStep>.allocate(capacity: f.steps.count)
            _ = steps.initialize(from: f.steps)
            (buffer.baseAddress! + k).initialize(
                to: CompiledFormat(
                    steps: UnsafeBufferPointer(steps), hasDate: f.hasDate,
                    hasTime: f.hasTime, layout: FixedLayout.of(f.steps)))
        }
        return buffer
    }()

    /// The subset of `mask` the text fits. Sets the bits of optional-fraction
    /// formats in `fractions` when the text carried a fraction.
    @inline(__always)
    static func survivors(
        of b: UnsafeBufferPointer<UInt8>, among mask: CandidateSet,
        formats: UnsafeMutableBufferPointer<CompiledFormat>, fractions: inout UInt64
    ) -> CandidateSet {
        var out: UInt64 = 0
        let m = mask.bits
        if m & scalarBits != 0 {
            if m & 1 != 0, TextScalars.isBoolean(b) { out |= 1 }
            if m & numberBits != 0 {
                var digits = TextScalars.DecimalDigits()
                switch TextScalars.numeric(b, digits: &digits) {
                case .integer:
                    out |= m & numberBits  // every notation reads plain digits, without a fraction
                case .decimal:
                    out |= m & 0b100
                    if m & groupedBits != 0 { out |= plainDecimal(digits, among: m, fractions: &fractions) }
                case .notNumeric:
                    if m & groupedBits != 0 { out |= grouped(b, among: m, fractions: &fractions) }
                case .leadingZero, .tooLarge:
                    break
                }
            }
        }
        var f = m >> UInt64(CandidateSet.firstFormatBit)
        while f != 0 {
            let k = f.trailingZeroBitCount
            f &= f &- 1
            let (ok, fraction) = formats[k].fits(b)
            if ok {
                let bit: UInt64 = 1 << UInt64(k + CandidateSet.firstFormatBit)
                out |= bit
                if fraction { fractions |= bit }
            }
        }
        return CandidateSet(bits: out)
    }

    static let groupedBits = CandidateSet.grouped.bits
    /// int64, float64 and the grouped notations: what a number's text can fit.
    static let numberBits: UInt64 = 0b110 | groupedBits
    /// The bits tested by byte scanners rather than temporal formats.
    static let scalarBits: UInt64 = 0b111 | groupedBits

    /// The grouped notations among `m` that `b` fits; the ones under which
    /// it has a fraction are added to `fractions`.
    @inline(__always)
    private static func grouped(_ b: UnsafeBufferPointer<UInt8>, among m: UInt64, fractions: inout UInt64) -> UInt64 {
        let shapes = NumberFormat.shapes(b)
        let shift = UInt64(CandidateSet.firstGroupedBit)
        fractions |= UInt64(shapes.fraction) << shift & m
        return UInt64(shapes.fits) << shift & m
    }

    /// The grouped notations a plain decimal fits, from its digit counts
    /// (what `NumberFormat.shapes` would say, without another pass): comma
    /// grouping reads `12.5` with a fraction, dot grouping reads `12.345` as
    /// the integer 12345, space grouping neither.
    @inline(__always)
    private static func plainDecimal(_ d: TextScalars.DecimalDigits, among m: UInt64, fractions: inout UInt64) -> UInt64 {
        guard !d.exponent, d.integer > 0 else { return 0 }
        var fits: UInt64 = 0
        if d.fraction > 0 {
            // Comma grouping and percentages read `12.5` as 12.5.
            let fractional = UInt64(1) << UInt64(CandidateSet.firstGroupedBit) | CandidateSet.percent.bits
            fits |= fractional
            fractions |= fractional & m
        }
        if d.integer <= 3, d.fraction == 3, !d.leadingZero { fits |= UInt64(1) << UInt64(CandidateSet.firstGroupedBit + 1) }
        return fits & m
    }

    /// Why `b` does not fit hypothesis `bit`, for evidence. `range` is true
    /// for a domain violation (month 13), false for a shape mismatch.
    static func reason(_ b: UnsafeBufferPointer<UInt8>, bit: Int) -> (text: String, range: Bool) {
        switch bit {
        case 0:
            return ("not a boolean (true/false, yes/no, y/n, t/f, 0/1)", false)
        case 1, 2:
            switch TextScalars.numeric(b) {
            case .leadingZero: return ("leading zero: the zeros are data (an identifier, not a number)", true)
            case .tooLarge:
                return (bit == 1 ? "integer beyond the int64 range" : "integer too large for float64 to hold exactly", true)
            case .decimal: return ("has a fraction or an exponent, so it is not an integer", false)
            case .notNumeric where NumberFormat.shapes(b).fits == NumberFormat.percentBit:
                return ("a percentage (a number and %), not in plain notation", false)
            case .notNumeric where NumberFormat.shapes(b).fits != 0:
                return ("written with digit grouping or a decimal comma, not in plain notation", false)
            case .integer, .notNumeric: return ("not a number", false)
            }
        case CandidateSet.percent.bits.trailingZeroBitCount:
            return ("not a percentage: a plain number, then % (spaces before it allowed)", false)
        case CandidateSet.firstGroupedBit..<CandidateSet.firstFormatBit:
            let pattern = HypothesisSpace.label(ofBit: bit)
            if NumberFormat.shapes(b).leadingZero || TextScalars.numeric(b) == .leadingZero {
                return ("leading zero: the zeros are data (an identifier, not a number)", true)
            }
            switch TextScalars.numeric(b) {
            case .tooLarge: return ("integer beyond the int64 range", true)
            case .decimal: return ("not a \(pattern) (a decimal point where the notation has none, or an exponent)", false)
            case .notNumeric where b.contains(where: { $0 &- 48 < 10 }):
                return ("not a \(pattern): groups of exactly 3 digits, one decimal separator", false)
            default: return ("not a number", false)
            }
        case 3..<CandidateSet.firstFormatBit:
            return ("text: only a plugin's typed date/time values prove a temporal type without a format", false)
        default:
            let f = formats[bit - CandidateSet.firstFormatBit]
            if case .outOfRange(let field, let v) = f.match(b) {
                return ("\(field.rawValue) \(v) is out of range for \(f.pattern)", true)
            }
            return ("does not have the shape of the format", false)
        }
    }
}

extension HypothesisSpace {
    /// The candidates a set stands for once the obvious subsumptions are
    /// applied: int64 over float64, plain notation over the grouped ones
    /// that read the same numbers, and a typed temporal value over the text
    /// formats of its type (plugin values carry no format).
    static func reduce(_ set: CandidateSet, fractionBits: UInt64) -> CandidateSet {
        var s = set
        // Plain integers read the same in every notation, and so do plain
        // decimals in a grouped notation where they have a fraction
        // (`2.5` in #,##0.#). A notation where they are integers stays:
        // `1.234` is 1.234, or 1234 with dots between thousands.
        if s.contains(.int64) {
            s = s & ~CandidateSet.grouped & ~CandidateSet.float64
        } else if s.contains(.float64) {
            s = s & ~CandidateSet(bits: CandidateSet.grouped.bits & fractionBits)
        }
        // A format with seconds that also reads values without them stands
        // beside the exact format without seconds only when no value had
        // seconds: the exact one is the reading.
        for (withSeconds, without) in secondslessSiblings where s.contains(withSeconds) && s.contains(without) {
            s = s & ~withSeconds
        }
        for (native, family) in [
            (CandidateSet.nativeDate, dateBits), (.nativeTime, timeBits),
            (.nativeTimestamp, timestampBits), (.nativeTimestampTZ, timestampTZBits),
        ]
        where s.contains(native) {
            s = s & ~(family & ~native)
        }
        return s
    }

    /// A candidate as reported: an optional fraction is dropped from the
    /// pattern when no value had one; a grouped notation is int64 unless a
    /// value had a fraction under it.
    static func candidate(bit: Int, fractionBits: UInt64) -> ColumnInference.Candidate {
        if let n = numberFormat(ofBit: bit) {
            let type: DataType = fractionBits & (1 << UInt64(bit)) == 0 ? .int64 : .float64
            return .init(type: type, format: n.pattern(for: type))
        }
        guard let f = format(ofBit: bit) else { return .init(type: type(ofBit: bit)) }
        if fractionBits & (1 << UInt64(bit)) == 0, let plain = f.patternWithoutFraction {
            return .init(type: f.type, format: plain)
        }
        return .init(type: f.type, format: f.pattern)
    }
}
