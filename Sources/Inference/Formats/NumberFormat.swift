import CasparianCore

/// How a column writes numbers with digit grouping: which character
/// separates thousands and which one marks the decimals; or as percentages.
///
/// Four notations, each named by a pattern in the spreadsheet style:
///
/// | notation | int64 | float64 | example |
/// |---|---|---|---|
/// | `.comma` | `#,##0` | `#,##0.#` | `1,234,567.89` |
/// | `.dot` | `#.##0` | `#.##0,#` | `1.234.567,89` |
/// | `.space` | `# ##0` | `# ##0,#` | `1 234 567,89` |
/// | `.percent` | `0%` | `0.#%` | `73.20%` |
///
/// A percentage is a plain number (no grouping, no exponent) followed by
/// `%` (spaces before it allowed), read as the number written: `73.20%` is
/// 73.2 — the `%` sign is dropped, not divided by 100. A plain number
/// without the sign reads the same. The solver, the validator and the
/// output read it through this one definition.
///
/// The pattern names the separators only: a float's number of decimals is
/// not constrained. Groups are optional (`1234` and `1,234` are the same
/// number) but when present every group after the first has exactly three
/// digits and the first one to three; a leading zero is allowed only as the
/// whole integer part (`0,5` under `#.##0,#`). The space notation also
/// accepts the no-break spaces U+00A0 and U+202F that locale-aware writers
/// emit. No exponents, no `inf`.
public struct NumberFormat: Sendable, Hashable {
    public enum Grouping: Int, Sendable, CaseIterable {
        case comma, dot, space
        /// Not a grouping: a plain number and a `%` sign.
        case percent
    }

    public let grouping: Grouping

    public init(grouping: Grouping) { self.grouping = grouping }

    public static let comma = NumberFormat(grouping: .comma)
    public static let dot = NumberFormat(grouping: .dot)
    public static let space = NumberFormat(grouping: .space)
    public static let percent = NumberFormat(grouping: .percent)
    /// Every notation, in the order of `Grouping`.
    public static let all = Grouping.allCases.map(NumberFormat.init(grouping:))

    /// The thousands separator as text (none for percentages).
    public var thousandsSeparator: String {
        switch grouping {
        case .comma: return ","
        case .dot: return "."
        case .space: return " "
        case .percent: return ""
        }
    }
    /// The decimal separator as text.
    public var decimalSeparator: String { grouping == .comma || grouping == .percent ? "." : "," }

    /// `#,##0` for int64, `#,##0.#` for float64 (and likewise for the other
    /// notations); `0%` and `0.#%` for percentages.
    public func pattern(for type: DataType) -> String {
        if grouping == .percent { return type == .int64 ? "0%" : "0.#%" }
        let integer = "#\(thousandsSeparator)##0"
        return type == .int64 ? integer : integer + decimalSeparator + "#"
    }

    /// The notation and type a pattern names; nil for any other text.
    public static func parse(pattern: String) -> (format: NumberFormat, type: DataType)? {
        for f in all {
            for t in [DataType.int64, .float64] where f.pattern(for: t) == pattern { return (f, t) }
        }
        return nil
    }

    /// The notation of `pattern` expressed for `type` (`#,##0` as float64 is
    /// `#,##0.#`); nil when `pattern` is not a number format or `type` is not
    /// int64 or float64.
    public static func pattern(_ pattern: String?, as type: DataType) -> String? {
        guard type == .int64 || type == .float64, let own = pattern.flatMap(parse(pattern:)) else { return nil }
        return own.format.pattern(for: type)
    }

    /// The value `text` denotes in this notation as `type` (int64 or
    /// float64); nil when it is not written so, or is an int64 out of range.
    /// Surrounding ASCII spaces and tabs are ignored.
    public func value(of text: String, as type: DataType) -> CellValue? {
        var text = text
        if grouping == .percent { return text.withUTF8 { NumberFormat.percentValue(TextScalars.trimmed($0), as: type) } }
        return text.withUTF8 { raw -> CellValue? in
            let b = TextScalars.trimmed(raw)
            let shape = NumberFormat.shapes(b)
            let bit = UInt8(1) << UInt8(grouping.rawValue)
            guard shape.fits & bit != 0 || TextScalars.numeric(b) == .integer else { return nil }
            let plain = plainDigits(b)
            switch type {
            case .int64:
                guard shape.fraction & bit == 0, let v = Int64(plain) else { return nil }
                return .int(v)
            case .float64:
                guard let v = Double(plain), v.isFinite else { return nil }
                return .float(v)
            default:
                return nil
            }
        }
    }

    /// A percentage (`73.20%`, `5 %`) or a plain number, as the number
    /// written; int64 only for an integer.
    static func percentValue(_ b: UnsafeBufferPointer<UInt8>, as type: DataType) -> CellValue? {
        let body = percentBody(b)
        var digits = TextScalars.DecimalDigits()
        let verdict = TextScalars.numeric(body, digits: &digits)
        let text = String(decoding: body, as: UTF8.self)
        switch (verdict, type) {
        case (.integer, .int64): return Int64(text).map(CellValue.int)
        case (.integer, .float64): return Double(text).map(CellValue.float)
        case (.decimal, .float64) where !digits.exponent && digits.integer + digits.fraction > 0:
            return Double(text).flatMap { $0.isFinite ? CellValue.float($0) : nil }
        default: return nil
        }
    }

    /// `b` without a trailing `%` and the spaces before it (`b` itself without one).
    static func percentBody(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard var end = b.indices.last, b[end] == UInt8(ascii: "%") else { return b }
        while end > 0, b[end - 1] == UInt8(ascii: " ") { end -= 1 }
        return UnsafeBufferPointer(rebasing: b[..<end])
    }

    /// `b` with the thousands separators dropped and the decimal separator
    /// made `.`: text Swift's number parsers read.
    private func plainDigits(_ b: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        let decimal = UInt8(ascii: grouping == .comma ? "." : ",")
        for c in b {
            if c &- 48 < 10 || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
                out.append(c)
            } else if c == decimal {
                out.append(UInt8(ascii: "."))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
