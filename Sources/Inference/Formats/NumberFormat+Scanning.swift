extension NumberFormat {
    /// Which notations a text fits, one bit per `Grouping` (bit 0 comma,
    /// 1 dot, 2 space, 3 percent), and under which of them it has a fraction
    /// (`1,234` is 1234 with comma grouping but 1.234 with a decimal comma).
    struct Shapes: Equatable {
        var fits: UInt8 = 0
        var fraction: UInt8 = 0
        /// The integer part starts with a zero that grouping forbids (`0,123`, `01.5`).
        var leadingZero = false
    }

    /// Separator classes, as bits: the same bit order as `Grouping`.
    private static let commaClass: UInt8 = 1
    private static let dotClass: UInt8 = 2
    private static let spaceClass: UInt8 = 4
    /// A percentage's bit: always with a fraction, since percentages are float64.
    static let percentBit: UInt8 = 8

    /// One pass over trimmed UTF-8 text: digit runs split by single
    /// separators (`,` `.` space, U+00A0, U+202F), an optional sign, nothing
    /// else. Plain digits (no separator) fit no notation here: they are plain
    /// integers, which every notation reads, and the caller knows them as such.
    static func shapes(_ b: UnsafeBufferPointer<UInt8>) -> Shapes {
        let n = b.count
        if n > 1, b[n - 1] == UInt8(ascii: "%") { return percentShapes(b) }
        var i = 0
        if i < n, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
        let start = i
        var runStart = i
        var firstLength = 0
        var separators = 0
        var earlier: UInt8 = 0  // classes of the separators before the last one
        var last: UInt8 = 0
        var middleThree = true  // every run between two separators has 3 digits
        while i < n {
            let c = b[i]
            if c &- 48 < 10 {
                i += 1
                continue
            }
            let cls: UInt8
            let width: Int
            switch c {
            case UInt8(ascii: ","): (cls, width) = (commaClass, 1)
            case UInt8(ascii: "."): (cls, width) = (dotClass, 1)
            case UInt8(ascii: " "): (cls, width) = (spaceClass, 1)
            case 0xC2 where i + 1 < n && b[i + 1] == 0xA0: (cls, width) = (spaceClass, 2)
            case 0xE2 where i + 2 < n && b[i + 1] == 0x80 && b[i + 2] == 0xAF: (cls, width) = (spaceClass, 3)
            default: return Shapes()
            }
            let length = i - runStart
            if length == 0 { return Shapes() }  // a leading, doubled or signed-only separator
            if separators == 0 {
                firstLength = length
            } else {
                if length != 3 { middleThree = false }
                earlier |= last
            }
            last = cls
            separators += 1
            i += width
            runStart = i
        }
        let lastLength = i - runStart
        guard separators > 0, lastLength > 0 else { return Shapes() }
        let zero = b[start] == UInt8(ascii: "0")
        var out = Shapes()
        let groupsValid = firstLength <= 3 && middleThree
        @inline(__always)
        func check(_ bit: UInt8, group: UInt8, decimal: UInt8) {
            if earlier | last == group, groupsValid, lastLength == 3 {
                // Groups only: an integer.
                if zero {
                    out.leadingZero = true
                } else if firstLength + 3 * separators < 19 || fitsInt64(b, from: start) {
                    out.fits |= bit
                }
            } else if last == decimal, earlier == 0 || earlier == group, separators == 1 || groupsValid {
                // Groups (if any), then the decimal separator and the fraction.
                if zero && (firstLength > 1 || separators > 1) {
                    out.leadingZero = true
                } else {
                    out.fits |= bit
                    out.fraction |= bit
                }
            }
        }
        check(1, group: commaClass, decimal: dotClass)
        check(2, group: dotClass, decimal: commaClass)
        check(4, group: spaceClass, decimal: commaClass)
        // A plain decimal (`12.5`) is a percentage written without its sign, as a plain integer is.
        if separators == 1, last == dotClass, !(zero && firstLength > 1) {
            out.fits |= percentBit
            out.fraction |= percentBit
        }
        return out
    }

    /// A plain number and `%`: the percent notation, with a fraction.
    private static func percentShapes(_ b: UnsafeBufferPointer<UInt8>) -> Shapes {
        var digits = TextScalars.DecimalDigits()
        switch TextScalars.numeric(percentBody(b), digits: &digits) {
        case .integer: break
        case .decimal where !digits.exponent && digits.integer + digits.fraction > 0: break
        default: return Shapes()
        }
        return Shapes(fits: percentBit, fraction: percentBit)
    }

    /// Whether the digits of a grouped integer (separators skipped) fit Int64.
    private static func fitsInt64(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var value: Int64 = 0
        let negative = b[0] == UInt8(ascii: "-")
        for k in start..<b.count where b[k] &- 48 < 10 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (v, o2) = negative ? m.subtractingReportingOverflow(Int64(b[k] - 48)) : m.addingReportingOverflow(Int64(b[k] - 48))
            if o1 || o2 { return false }
            value = v
        }
        return true
    }
}
