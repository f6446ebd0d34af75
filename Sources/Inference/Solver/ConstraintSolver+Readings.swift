import CasparianCore

/// Whether the hypotheses still standing would store the same value for
/// every value seen. Two candidates that read every value alike (`31,5` is
/// 31.5 with dots or spaces between thousands; `04/04/2017` is the same day
/// month-first or day-first; `0`/`1` are false/true or 0/1) are one reading:
/// choosing between them changes no data, so nobody is asked. The first
/// value on which two disagree is kept, as the counterexample a question
/// shows.
extension ConstraintSolver {
    /// Notes which pairs of the (reduced) survivors read `b` differently.
    /// Runs only while more than one hypothesis stands, and stops testing a
    /// pair once it has disagreed.
    mutating func noteReadings(of b: UnsafeBufferPointer<UInt8>, survivors: CandidateSet) {
        if survivors.bits != global.readingsInput || global.fractionBits != global.readingsFractions {
            global.readingsInput = survivors.bits
            global.readingsFractions = global.fractionBits
            global.readingsReduced = HypothesisSpace.reduce(survivors, fractionBits: global.fractionBits).indices
        }
        let bits = global.readingsReduced
        guard bits.count > 1 else { return }
        var text: String?
        for i in 0..<(bits.count - 1) {
            for j in (i + 1)..<bits.count {
                let pair = Self.pairKey(bits[i], bits[j])
                if global.disagreements[pair] != nil { continue }
                let value = text ?? String(decoding: b, as: UTF8.self)
                text = value
                if !Self.sameReading(value, bits[i], bits[j], fractionBits: global.fractionBits) {
                    global.disagreements[pair] = truncated(value)
                }
            }
        }
    }

    /// A value on which two of `bits` read differently, if any did.
    func counterexample(among bits: [Int]) -> String? {
        for i in 0..<max(0, bits.count - 1) {
            for j in (i + 1)..<bits.count {
                if let e = global.disagreements[Self.pairKey(bits[i], bits[j])] { return e }
            }
        }
        return nil
    }

    static func pairKey(_ a: Int, _ b: Int) -> Int { min(a, b) * 64 + max(a, b) }

    /// True when hypotheses `a` and `b` store the same value for `text`.
    static func sameReading(_ text: String, _ a: Int, _ b: Int, fractionBits: UInt64) -> Bool {
        switch (reading(text, a, fractionBits: fractionBits), reading(text, b, fractionBits: fractionBits)) {
        case (.number(let x)?, .number(let y)?): return x == y
        case (.truth(let x)?, .number(let y)?), (.number(let y)?, .truth(let x)?): return y == (x ? 1 : 0)
        case (.truth(let x)?, .truth(let y)?): return x == y
        case (.instant(let x)?, .instant(let y)?): return x == y
        default: return false
        }
    }

    enum Reading: Equatable {
        case number(Double)
        case truth(Bool)
        case instant(CellValue)
    }

    /// What hypothesis `bit` makes of `text`.
    static func reading(_ text: String, _ bit: Int, fractionBits: UInt64) -> Reading? {
        if let n = HypothesisSpace.numberFormat(ofBit: bit) {
            switch n.value(of: text, as: .float64) {
            case .float(let v)?: return .number(v)
            case .int(let v)?: return .number(Double(v))
            default: return nil
            }
        }
        if let f = HypothesisSpace.format(ofBit: bit) { return f.parseAllowingMissingSeconds(Substring(text)).map(Reading.instant) }
        switch HypothesisSpace.type(ofBit: bit) {
        case .boolean: return ProvenText.boolean(text).map(Reading.truth)
        case .int64, .float64: return Double(text).map(Reading.number)  // the solver's text is trimmed
        default: return nil
        }
    }
}
