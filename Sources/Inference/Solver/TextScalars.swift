/// Byte-level tests for the scalar types (boolean, int64, float64) and for
/// null sentinels, on trimmed UTF-8 text. No allocation.
enum TextScalars {
    /// Why a text is not numeric, when it looks like it might be.
    enum NumericVerdict: Equatable {
        /// An integer in the int64 range (also a float64).
        case integer
        /// A decimal or exponent number (float64 only).
        case decimal
        /// Digits with a leading zero (`02138`): the zeros are data.
        case leadingZero
        /// An integer literal beyond the int64 range.
        case tooLarge
        case notNumeric
    }

    /// The digits of a plain decimal (`-12.345`): what the grouped
    /// notations need to know about it without a second pass.
    struct DecimalDigits {
        var integer = 0
        var fraction = 0
        var exponent = false
        /// The integer part starts with `0`.
        var leadingZero = false
    }

    @inline(__always)
    static func numeric(_ b: UnsafeBufferPointer<UInt8>) -> NumericVerdict {
        var digits = DecimalDigits()
        return numeric(b, digits: &digits)
    }

    /// The verdict; for `.decimal`, `digits` describes the number.
    @inline(__always)
    static func numeric(_ b: UnsafeBufferPointer<UInt8>, digits: inout DecimalDigits) -> NumericVerdict {
        let n = b.count
        var i = 0
        if i < n, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
        let intStart = i
        while i < n, b[i] &- 48 < 10 { i += 1 }
        let intDigits = i - intStart
        if i == n {
            guard intDigits > 0 else { return .notNumeric }
            if intDigits > 1 && b[intStart] == UInt8(ascii: "0") { return .leadingZero }
            if intDigits < 19 { return .integer }
            if intDigits > 19 { return .tooLarge }
            return fitsInt64(b, digitsFrom: intStart) ? .integer : .tooLarge
        }
        var fracDigits = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            while i < n, b[i] &- 48 < 10 { i += 1 }
            fracDigits = i - fracStart
        }
        guard intDigits + fracDigits > 0 else { return isInfinity(b, from: intStart) ? .decimal : .notNumeric }
        digits.integer = intDigits
        digits.fraction = fracDigits
        if i < n, b[i] | 0x20 == UInt8(ascii: "e") {
            digits.exponent = true
            i += 1
            if i < n, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
            let expStart = i
            while i < n, b[i] &- 48 < 10 { i += 1 }
            if i == expStart { return .notNumeric }
        }
        guard i == n else { return .notNumeric }
        if intDigits > 0 && b[intStart] == UInt8(ascii: "0") {
            if intDigits > 1 { return .leadingZero }
            digits.leadingZero = true
        }
        return .decimal
    }

    private static func fitsInt64(_ b: UnsafeBufferPointer<UInt8>, digitsFrom start: Int) -> Bool {
        let limit = Array((b[0] == UInt8(ascii: "-") ? "9223372036854775808" : "9223372036854775807").utf8)
        for k in 0..<19 {
            let d = b[start + k]
            if d != limit[k] { return d < limit[k] }
        }
        return true
    }

    private static func isInfinity(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        let rest = b.count - start
        guard rest == 3 || rest == 8 else { return false }
        let word: [UInt8] = Array("infinity".utf8)
        for k in 0..<rest where b[start + k] | 0x20 != word[k] { return false }
        return true
    }

    /// `true/false`, `t/f`, `yes/no`, `y/n` (any case) and `0/1`.
    static func isBoolean(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        switch b.count {
        case 1:
            switch b[0] | 0x20 {
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "y"), UInt8(ascii: "n"): return true
            default: return b[0] == UInt8(ascii: "0") || b[0] == UInt8(ascii: "1")
            }
        case 2: return b[0] | 0x20 == UInt8(ascii: "n") && b[1] | 0x20 == UInt8(ascii: "o")
        case 3: return equalsFolded(b, "yes")
        case 4: return equalsFolded(b, "true")
        case 5: return equalsFolded(b, "false")
        default: return false
        }
    }

    /// True for `0` and `1`, the values that fit both boolean and int64.
    static func isZeroOrOne(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        b.count == 1 && (b[0] == UInt8(ascii: "0") || b[0] == UInt8(ascii: "1"))
    }

    @inline(__always)
    private static func equalsFolded(_ b: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        let w = word.utf8Start
        for k in 0..<b.count where b[k] | 0x20 != w[k] { return false }
        return true
    }

    /// The trimmed range of `b` (ASCII spaces and tabs at both ends).
    @inline(__always)
    static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0
        var hi = b.count
        while lo < hi, b[lo] == 32 || b[lo] == 9 { lo += 1 }
        while hi > lo, b[hi - 1] == 32 || b[hi - 1] == 9 { hi -= 1 }
        if lo == 0 && hi == b.count { return b }
        return UnsafeBufferPointer(rebasing: b[lo..<hi])
    }
}
