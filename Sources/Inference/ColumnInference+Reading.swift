import CasparianCore

extension ColumnInference.Candidate {
    /// What this candidate would store for `text` (`2024-04-03` for
    /// `03/04/2024` read day-first, `1234` for `1,234` with a thousands
    /// comma), as output tables print it; nil when it does not read `text`.
    /// How a question shows what the choice changes.
    public func reading(of text: String) -> String? {
        if let format {
            if let number = NumberFormat.parse(pattern: format) {
                return number.format.value(of: text, as: type)?.text
            }
            return TemporalFormat(strftime: format)?.parseAllowingMissingSeconds(Substring(text))?.text
        }
        switch type {
        case .boolean: return ProvenText.boolean(text).map { $0 ? "true" : "false" }
        case .int64: return Int64(text).map { String($0) }
        case .float64: return Double(text).map { CellValue.float($0).text ?? String($0) }
        case .string: return text
        default: return nil
        }
    }

    /// A short name a person recognises: `date, day-first (%d/%m/%Y)`,
    /// `int64 (#,##0)`, `string`.
    public var label: String {
        guard let format else { return type.rawValue }
        if let order = TemporalFormat(strftime: format)?.fieldOrder { return "\(type.rawValue), \(order) (\(format))" }
        return "\(type.rawValue) (\(format))"
    }

    /// The answer that chooses this candidate: `date:%d/%m/%Y`, `int64`.
    public var answer: String { format.map { "\(type.rawValue):\($0)" } ?? type.rawValue }
}
