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

        @inline(__always)
        func fits(_ b: UnsafeBufferPointer<UInt8>) -> (ok: Bool, fraction: Bool) {
            var f = TemporalFields()
            guard TemporalFormat.scan(b, steps: steps, into: &f),
                  TemporalFormat.rangeViolation(&f, hasDate: hasDate, hasTime: hasTime) == nil else { return (false, false) }
            return (true, f.fraction)
        }
    }

    nonisolated(unsafe) static let compiled: UnsafeMutableBufferPointer<CompiledFormat> = {
        let buffer = UnsafeMutableBufferPointer<CompiledFormat>.allocate(capacity: HypothesisSpace.formats.count)
        for (k, f) in HypothesisSpace.formats.enumerated() {
            let steps = UnsafeMutableBufferPointer<TemporalStep>.allocate(capacity: f.steps.count)
            _ = steps.initialize(from: f.steps)
            (buffer.baseAddress! + k).initialize(to: CompiledFormat(steps: UnsafeBufferPointer(steps),
                                                                    hasDate: f.hasDate, hasTime: f.hasTime))
        }
        return buffer
    }()

    /// The subset of `mask` the text fits. Sets the bits of optional-fraction
    /// formats in `fractions` when the text carried a fraction.
    @inline(__always)
    static func survivors(of b: UnsafeBufferPointer<UInt8>, among mask: CandidateSet,
                          formats: UnsafeMutableBufferPointer<CompiledFormat>, fractions: inout UInt64) -> CandidateSet {
        var out: UInt64 = 0
        let m = mask.bits
        if m & 0b111 != 0 {
            if m & 1 != 0, TextScalars.isBoolean(b) { out |= 1 }
            if m & 0b110 != 0 {
                switch TextScalars.numeric(b) {
                case .integer: out |= m & 0b110
                case .decimal: out |= m & 0b100
                default: break
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
            case .integer, .notNumeric: return ("not a number", false)
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
    /// applied: int64 over float64, and a typed temporal value over the text
    /// formats of its type (plugin values carry no format).
    static func reduce(_ set: CandidateSet) -> CandidateSet {
        var s = set
        if s.contains(.int64) { s = s & ~CandidateSet.float64 }
        for (native, family) in [(CandidateSet.nativeDate, dateBits), (.nativeTime, timeBits),
                                 (.nativeTimestamp, timestampBits), (.nativeTimestampTZ, timestampTZBits)]
            where s.contains(native) {
            s = s & ~(family & ~native)
        }
        return s
    }

    /// A candidate as reported: an optional fraction is dropped from the
    /// pattern when no value had one.
    static func candidate(bit: Int, fractionBits: UInt64) -> ColumnInference.Candidate {
        guard let f = format(ofBit: bit) else { return .init(type: type(ofBit: bit)) }
        if fractionBits & (1 << UInt64(bit)) == 0, let plain = f.patternWithoutFraction {
            return .init(type: f.type, format: plain)
        }
        return .init(type: f.type, format: f.pattern)
    }
}
