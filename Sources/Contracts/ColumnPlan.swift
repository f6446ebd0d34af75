import CasparianCore
import Inference

/// Everything the validator needs about one locked column, prepared once.
struct ColumnPlan: Sendable {
    /// Longest value text kept in a violation.
    static let valueLimit = 80

    /// What one cell is, for this column.
    enum CellCheck {
        case ok
        /// Valid, and written as this value (converted text, widened int).
        case replace(CellValue)
        /// Null; `wasSentinel` when it was text such as `N/A`.
        case null(wasSentinel: Bool)
        /// The row lacked the key.
        case absent
        case bad(Violation.Kind)
    }

    let name: String
    let outputName: String
    let output: String
    let type: DataType
    let nullable: Bool
    let sentinels: [String]
    let longestSentinel: Int
    let temporal: TemporalFormat?
    /// The notation of numbers written with digit grouping (`#,##0`).
    let number: NumberFormat?
    let formatText: String?
    /// The value a missing cell gets; nil when the column has no default.
    private(set) var defaultCell: CellValue?
    /// `expected` texts of violations, made once (type, null, missing).
    private(set) var expectedTexts: (type: String, null: String, missing: String) = ("", "", "")

    /// The strftime formats assumed for temporal text when a column locks none.
    static func isoFormat(for type: DataType) -> String? {
        switch type {
        case .date: return "%Y-%m-%d"
        case .time: return "%H:%M:%S"
        case .timestamp: return "%Y-%m-%dT%H:%M:%S"
        case .timestampTZ: return "%Y-%m-%dT%H:%M:%S%z"
        case .string, .int64, .float64, .boolean: return nil
        }
    }

    /// A column that cannot be checked: the field at fault and why.
    struct Problem: Error {
        var field: String
        var message: String
        var hint: String
    }

    init(column: LockedColumn, output: String) throws(Problem) {
        name = column.name
        outputName = column.outputName
        self.output = output
        type = column.type
        nullable = column.nullable
        sentinels = column.nullSentinels
        longestSentinel = column.nullSentinels.map(\.utf8.count).max() ?? -1
        if let format = column.format, column.type == .int64 || column.type == .float64 {
            guard let parsed = NumberFormat.parse(pattern: format) else {
                throw Problem(
                    field: "format", message: "\(format) is not a number format Casparian understands",
                    hint: "use #,##0 (1,234,567.89), #.##0 (1.234.567,89) or # ##0 (1 234 567,89); "
                        + "#,##0.# etc. name the same notations for float64")
            }
            number = parsed.format
            temporal = nil
            formatText = format
        } else if let format = column.format {
            guard ColumnPlan.isoFormat(for: column.type) != nil else {
                throw Problem(
                    field: "format",
                    message:
                        "a format (\(format)) is only for date, time, timestamp, int64 and float64 columns, not \(column.type.rawValue)",
                    hint: "remove the format, or change the column's type")
            }
            guard let parsed = TemporalFormat(strftime: format) else {
                throw Problem(
                    field: "format", message: "\(format) is not a strftime format Casparian understands",
                    hint: "use directives such as %Y %m %d %H %M %S %z, e.g. %d/%m/%Y")
            }
            guard parsed.type == column.type else {
                throw Problem(
                    field: "format",
                    message: "format \(format) reads \(parsed.type.rawValue) values but the column is \(column.type.rawValue)",
                    hint: "use a format with exactly the parts of a \(column.type.rawValue)")
            }
            temporal = parsed
            number = nil
            formatText = format
        } else if let iso = ColumnPlan.isoFormat(for: column.type) {
            temporal = TemporalFormat(strftime: iso)
            number = nil
            formatText = iso
        } else {
            temporal = nil
            number = nil
            formatText = nil
        }
        defaultCell = nil
        switch column.defaultValue {
        case nil:
            break
        case .null?:
            guard column.nullable else {
                throw Problem(
                    field: "default", message: "the default is null but the column is not nullable",
                    hint: "make the column nullable, or give a default value of type \(column.type.rawValue)")
            }
            defaultCell = .null
        case .text(let t)?:
            switch check(.string(t)) {
            case .ok: defaultCell = .string(t)
            case .replace(let v): defaultCell = v
            case .null:
                guard column.nullable else {
                    throw Problem(
                        field: "default", message: "the default \"\(t)\" is a null sentinel but the column is not nullable",
                        hint: "give a default value of type \(column.type.rawValue)")
                }
                defaultCell = .null
            case .absent, .bad:
                throw Problem(
                    field: "default", message: "the default \"\(t)\" is not a \(expectedValue)",
                    hint: "give a default value of type \(column.type.rawValue), or null for a nullable column")
            }
        }
        expectedTexts = (
            expectedValue, "a \(type.rawValue) value (the column is not nullable)", "column \(name) in every row (it has no default)"
        )
    }

    /// What a valid value of this column looks like, for messages.
    var expectedValue: String {
        if let formatText, temporal != nil || number != nil { return "\(type.rawValue) (text as \(formatText))" }
        return type.rawValue
    }

    /// The index of the first cell at or after `start` that does not have
    /// exactly the locked type (a tag test, no payload copy): the cells
    /// skipped need no check and no conversion.
    @inline(__always)
    func skipTyped(_ column: [CellValue], from start: Int) -> Int {
        var i = start
        let n = column.count
        switch type {
        case .int64: while i < n, case .int = column[i] { i += 1 }
        case .float64: while i < n, case .float = column[i] { i += 1 }
        case .boolean: while i < n, case .bool = column[i] { i += 1 }
        case .date: while i < n, case .date = column[i] { i += 1 }
        case .time: while i < n, case .time = column[i] { i += 1 }
        case .timestamp: while i < n, case .timestamp = column[i] { i += 1 }
        case .timestampTZ: while i < n, case .timestampTZ = column[i] { i += 1 }
        case .string:
            // Text must be checked against the sentinels, when there are any.
            if longestSentinel < 0 {
                while i < n, case .string = column[i] { i += 1 }
            } else {
                while i < n, case .string(let s) = column[i], !isSentinel(s) { i += 1 }
            }
        }
        return i
    }

    @inline(__always)
    func isSentinel(_ s: String) -> Bool {
        longestSentinel >= 0 && s.utf8.count <= longestSentinel && sentinels.contains(s)
    }

    @inline(__always)
    func check(_ cell: CellValue) -> CellCheck {
        switch cell {
        case .null: return .null(wasSentinel: false)
        case .absent: return .absent
        case .string(let s):
            if isSentinel(s) { return .null(wasSentinel: true) }
            return checkText(s)
        default:
            return checkTyped(cell)
        }
    }

    /// Text of the locked type; failing that, what discovery would have
    /// proven the type from (`ProvenText`): the same text with spaces and
    /// tabs around it (which may then be a sentinel), booleans as `yes`/`no`,
    /// `t`/`f`, `y`/`n` or `0`/`1`, `inf`. The fallback runs only for text the
    /// strict readers refuse, so typed and clean text cost nothing more.
    @inline(__always)
    private func checkText(_ s: String) -> CellCheck {
        let strict = checkStrictText(s)
        guard case .bad = strict else { return strict }
        if let t = ProvenText.trimmed(s) {
            if isSentinel(t) { return .null(wasSentinel: true) }
            if case .bad = checkStrictText(t) {} else { return checkStrictText(t) }
        }
        switch type {
        case .int64: return ProvenText.int64(s).map { .replace(.int($0)) } ?? strict
        case .float64: return number == nil ? ProvenText.float64(s).map { .replace(.float($0)) } ?? strict : strict
        case .boolean: return ProvenText.boolean(s).map { .replace(.bool($0)) } ?? strict
        case .string, .date, .time, .timestamp, .timestampTZ: return strict
        }
    }

    @inline(__always)
    private func checkStrictText(_ s: String) -> CellCheck {
        switch type {
        case .string: return .ok
        case .int64:
            if let v = TextValue.int64(s) { return .replace(.int(v)) }
            if let number, let v = number.value(of: s, as: .int64) { return .replace(v) }
            return .bad(.typeMismatch)
        case .float64:
            if let number { return number.value(of: s, as: .float64).map(CellCheck.replace) ?? .bad(.typeMismatch) }
            if let v = TextValue.double(s) { return .replace(.float(v)) }
            return .bad(.typeMismatch)
        case .boolean:
            if let v = TextValue.bool(s) { return .replace(.bool(v)) }
            return .bad(.typeMismatch)
        case .date, .time, .timestamp, .timestampTZ:
            if let v = temporal?.parseAllowingMissingSeconds(s[...]) { return .replace(v) }
            return .bad(.formatMismatch)
        }
    }

    @inline(__always)
    private func checkTyped(_ cell: CellValue) -> CellCheck {
        switch (type, cell) {
        case (.int64, .int), (.float64, .float), (.boolean, .bool), (.date, .date), (.time, .time),
            (.timestamp, .timestamp), (.timestampTZ, .timestampTZ):
            return .ok
        case (.float64, .int(let i)):
            return .replace(.float(Double(i)))
        case (.float64, .decimal(let t)):
            if let v = TextValue.double(t) { return .replace(.float(v)) }
            return .bad(.typeMismatch)
        case (.int64, .decimal(let t)):
            // Discovery counts an integral Decimal as int64 evidence.
            if let v = TextValue.int64(t) { return .replace(.int(v)) }
            return .bad(.typeMismatch)
        case (.string, _):
            // Discovery proves `string` from any mix of values: a typed value
            // in a text column is written as its text (ISO 8601 for temporal
            // values, 0x-hex for bytes).
            return cell.text.map { .replace(.string($0)) } ?? .bad(.typeMismatch)
        default:
            return .bad(.typeMismatch)
        }
    }

    func violation(_ kind: Violation.Kind, cell: CellValue, file: String, row: Int) -> Violation {
        let expected: String
        switch kind {
        case .typeMismatch, .formatMismatch: expected = expectedTexts.type
        case .nullNotAllowed: expected = expectedTexts.null
        case .missingColumn: expected = expectedTexts.missing
        case .extraColumn: expected = "no column \(name)"
        }
        let got: String
        switch cell {
        case .absent: got = "no such key in this row"
        case .float(let d): got = d.description  // cheaper than Foundation formatting, same digits
        default: got = cell.truncatedText(ColumnPlan.valueLimit)
        }
        return Violation(
            kind: kind, file: file, output: output, row: row, column: name, expected: expected, got: got, gotType: cell.kindName)
    }
}

/// Strict readers for numbers and booleans that arrive as text.
enum TextValue {
    /// Optional sign and ASCII digits (no spaces, no `1e3`, no `1.0`).
    @inline(__always)
    static func int64(_ s: String) -> Int64? {
        var u = s.utf8.makeIterator()
        guard var b = u.next() else { return nil }
        let negative = b == UInt8(ascii: "-")
        if negative || b == UInt8(ascii: "+") {
            guard let next = u.next() else { return nil }
            b = next
        }
        // Accumulate negatively so that Int64.min parses.
        var value: Int64 = 0
        while true {
            let d = b &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (v, o2) = m.subtractingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            value = v
            guard let next = u.next() else { break }
            b = next
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// Decimal notation with an optional exponent; no `inf`, `nan` or hex.
    @inline(__always)
    static func double(_ s: String) -> Double? {
        var sawDigit = false
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "e"), UInt8(ascii: "E"): continue
            default: return nil
            }
        }
        guard sawDigit, let d = Double(s), d.isFinite else { return nil }
        return d
    }

    /// `true`/`false` in any letter case.
    @inline(__always)
    static func bool(_ s: String) -> Bool? {
        var u = s.utf8.makeIterator()
        var folded: UInt64 = 0
        var n = 0
        while let b = u.next() {
            n += 1
            if n > 5 { return nil }
            folded = folded << 8 | UInt64(b | 0x20)
        }
        switch (n, folded) {
        case (4, 0x74_72_75_65): return true  // "true"
        case (5, 0x66_61_6c_73_65): return false  // "false"
        default: return nil
        }
    }
}

/// Parsed temporal text of one column of one batch: exports repeat the same
/// dates (every row of a day, every file of a month), so a value parsed once
/// is looked up after — first against the previous cell, then in a bounded
/// table.
struct TemporalMemo {
    static let capacity = 4096
    private var table: [String: CellValue] = [:]
    private var lastText = ""
    private var lastValue: CellValue? = nil

    @inline(__always)
    mutating func parse(_ s: String, with format: TemporalFormat) -> CellValue? {
        if let lastValue, s == lastText { return lastValue }
        let value: CellValue?
        if let known = table[s] {
            value = known
        } else {
            value = format.parseAllowingMissingSeconds(s[...])
            if let value, table.count < TemporalMemo.capacity { table[s] = value }
        }
        if let value {
            lastText = s
            lastValue = value
        }
        return value
    }
}
