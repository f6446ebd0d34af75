import Foundation

extension CellValue {
    /// The value as text: ISO 8601 for temporal values, `nil` for null.
    /// This is the form output tables store and previews print.
    public var text: String? {
        switch self {
        case .null, .absent: return nil
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d): return CellValue.formatDouble(d)
        case .string(let s): return s
        case .bytes(let b): return "0x" + b.map { String(format: "%02x", $0) }.joined()
        case .decimal(let s): return s
        case .date(let days): return CivilDate(daysSinceEpoch: Int(days)).iso
        case .time(let micros): return ClockTime.iso(micros: micros)
        case .timestamp(let micros): return CellValue.isoTimestamp(micros: micros, offset: nil)
        case .timestampTZ(let micros, let offset):
            return CellValue.isoTimestamp(micros: micros + Int64(offset) * 1_000_000, offset: offset)
        }
    }

    /// Shortens text to at most `limit` characters for messages and reports.
    public func truncatedText(_ limit: Int = 80) -> String {
        guard let t = text else { return "null" }
        if t.count <= limit { return t }
        return String(t.prefix(limit)) + "…"
    }

    static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(format: "%.1f", d) }
        return "\(d)"
    }

    /// `micros` is wall-clock time at the given offset.
    static func isoTimestamp(micros: Int64, offset: Int32?) -> String {
        let (days, rem) = micros.floorDivided(by: 86_400_000_000)
        var s = CivilDate(daysSinceEpoch: Int(days)).iso + "T" + ClockTime.iso(micros: rem)
        if let offset {
            if offset == 0 {
                s += "Z"
            } else {
                let sign = offset < 0 ? "-" : "+"
                let a = abs(Int(offset))
                s += String(format: "%@%02d:%02d", sign, a / 3600, (a % 3600) / 60)
            }
        }
        return s
    }
}

extension Int64 {
    /// Floor division with a non-negative remainder.
    public func floorDivided(by d: Int64) -> (quotient: Int64, remainder: Int64) {
        var q = self / d
        var r = self % d
        if r < 0 {
            q -= 1
            r += d
        }
        return (q, r)
    }
}
