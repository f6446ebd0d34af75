/// Reads text the way the solver tests it, for validators that must accept
/// whatever a discovery proved: spaces and tabs around a value are ignored,
/// booleans are `true/false`, `t/f`, `yes/no`, `y/n` (any case) and `0/1`,
/// and `inf`/`infinity` are float64.
public enum ProvenText {
    /// `s` without ASCII spaces and tabs at either end; nil when it has none.
    public static func trimmed(_ s: String) -> String? {
        guard let first = s.utf8.first, let last = s.utf8.last else { return nil }
        guard first == 32 || first == 9 || last == 32 || last == 9 else { return nil }
        var copy = s
        return copy.withUTF8 { String(decoding: TextScalars.trimmed($0), as: UTF8.self) }
    }

    /// The integer the solver would count as int64 evidence.
    public static func int64(_ s: String) -> Int64? {
        var copy = s
        return copy.withUTF8 { raw -> Int64? in
            let b = TextScalars.trimmed(raw)
            guard TextScalars.numeric(b) == .integer else { return nil }
            let start = b.first == UInt8(ascii: "+") ? 1 : 0
            return Int64(String(decoding: UnsafeBufferPointer(rebasing: b[start...]), as: UTF8.self))
        }
    }

    /// The number the solver would count as float64 evidence.
    public static func float64(_ s: String) -> Double? {
        var copy = s
        return copy.withUTF8 { raw -> Double? in
            let b = TextScalars.trimmed(raw)
            switch TextScalars.numeric(b) {
            case .integer, .decimal: return Double(String(decoding: b, as: UTF8.self))
            case .leadingZero, .tooLarge, .notNumeric: return nil
            }
        }
    }

    /// The truth value of text the solver would count as boolean evidence.
    public static func boolean(_ s: String) -> Bool? {
        var copy = s
        return copy.withUTF8 { raw -> Bool? in
            let b = TextScalars.trimmed(raw)
            guard TextScalars.isBoolean(b) else { return nil }
            switch b[0] | 0x20 {
            case UInt8(ascii: "t"), UInt8(ascii: "y"), UInt8(ascii: "1"): return true
            default: return false
            }
        }
    }
}
