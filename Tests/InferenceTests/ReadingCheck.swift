import CasparianCore
import Foundation
import Inference

/// What a candidate (type and format) makes of a text value, through the
/// public parsers: the tests' own check that two candidates the solver
/// calls one reading store the same value for every value of a column.
enum ReadingCheck {
    static func value(_ text: String, _ c: ColumnInference.Candidate) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let f = c.format, let n = NumberFormat.parse(pattern: f) {
            switch n.format.value(of: t, as: .float64) {
            case .float(let v)?: return v
            case .int(let v)?: return Double(v)
            default: return nil
            }
        }
        if let f = c.format, let temporal = TemporalFormat(strftime: f) {
            switch temporal.parse(Substring(t)) {
            case .date(let d)?: return Double(d)
            case .time(let m)?, .timestamp(let m)?: return Double(m)
            case .timestampTZ(let m, _)?: return Double(m)
            default: return nil
            }
        }
        switch c.type {
        case .boolean: return ProvenText.boolean(t).map { $0 ? 1 : 0 }
        case .int64: return Int64(t).map(Double.init)
        case .float64: return Double(t).flatMap { $0.isFinite ? $0 : nil }
        default: return nil
        }
    }

    /// True when `a` and `b` read every non-null value alike.
    static func sameReading(_ values: [String?], _ a: ColumnInference.Candidate, _ b: ColumnInference.Candidate) -> Bool {
        values.compactMap { $0 }.allSatisfy { v in
            let x = value(v, a)
            let y = value(v, b)
            return x == nil && y == nil ? true : x == y
        }
    }
}
