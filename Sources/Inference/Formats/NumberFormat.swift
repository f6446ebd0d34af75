import CasparianCore

/// How a column writes numbers with digit grouping: which character
/// separates thousands and which one marks the decimals.
///
/// Three notations, each named by a pattern in the spreadsheet style:
///
/// | notation | int64 | float64 | example |
/// |---|---|---|---|
/// | `.comma` | `#,##0` | `#,##0.#` | `1,234,567.89` |
/// | `.dot` | `#.##0` | `#.##0,#` | `1.234.567,89` |
/// | `.space` | `# ##0` | `# ##0,#` | `1 234 567,89` |
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
    }

    public let grouping: Grouping

    public init(grouping: Grouping) { self.grouping = grouping }

    public static let comma = NumberFormat(grouping: .comma)
    public static let dot = NumberFormat(grouping: .dot)
    public static let space = NumberFormat(grouping: .space)
    /// Every notation, in the order of `Grouping`.
    public static let all = Grouping.allCases.map(NumberFormat.init(grouping:))

    /// The thousands separator as text.
    public var thousandsSeparator: String { [",", ".", " "][grouping.rawValue] }
    /// The decimal separator as text.
    public var decimalSeparator: String { grouping == .comma ? "." : "," }

    /// `#,##0` for int64, `#,##0.#` for float64 (and likewise for the other
    /// notations).
    public func pattern(for type: DataType) -> String {
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
