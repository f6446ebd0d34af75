import Foundation

extension TemporalFormat {
    /// The text formats the solver starts every column with. Day/month order
    /// variants are all here, so values that fit both (`03/04/2024`) leave
    /// both standing and the solver asks instead of picking one.
    /// (`.%f` after `%S` is optional, see `TemporalFormat`.)
    public static let candidatePatterns: [String] = [
        // dates
        "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
        "%m/%d/%Y", "%d/%m/%Y", "%m-%d-%Y", "%d-%m-%Y", "%d.%m.%Y", "%m.%d.%Y",
        "%m/%d/%y", "%d/%m/%y", "%d.%m.%y", "%y-%m-%d",
        "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y",
        "%d-%b-%Y", "%d-%b-%y", "%d/%b/%Y", "%a, %d %b %Y",
        // times
        "%H:%M:%S.%f", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%I:%M%p",
        // timestamps
        "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S.%f", "%Y/%m/%d %H:%M",
        "%m/%d/%Y %H:%M:%S.%f", "%d/%m/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M",
        "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%d.%m.%Y %H:%M:%S.%f", "%d.%m.%Y %H:%M",
        "%d-%b-%Y %H:%M:%S.%f", "%Y%m%dT%H%M%S",
        // timestamps with an offset
        "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S.%f%z", "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S.%f %z", "%d/%b/%Y:%H:%M:%S %z", "%a, %d %b %Y %H:%M:%S %z",
        "%Y%m%dT%H%M%S%z",
    ]

    /// `candidatePatterns`, compiled.
    public static let candidates: [TemporalFormat] = candidatePatterns.map {
        guard let f = TemporalFormat(strftime: $0) else { preconditionFailure("bad candidate pattern \($0)") }
        return f
    }

    /// The pattern without an optional fraction (`%H:%M:%S.%f` → `%H:%M:%S`),
    /// for columns where no value carried one.
    var patternWithoutFraction: String? {
        for sep in [".%f", ",%f"] where pattern.contains("%S" + sep) {
            return pattern.replacingOccurrences(of: "%S" + sep, with: "%S")
        }
        return nil
    }

    /// "month-first", "day-first", "year-first" or nil, for questions.
    var fieldOrder: String? {
        let p = Array(pattern.utf8)
        func position(_ c: Character) -> Int? {
            for i in 0..<(p.count - 1) where p[i] == UInt8(ascii: "%") {
                let d = Character(UnicodeScalar(p[i + 1]))
                if d == c || (c == "m" && (d == "b" || d == "B")) || (c == "Y" && d == "y") { return i }
            }
            return nil
        }
        guard let y = position("Y"), let m = position("m"), let d = position("d") else { return nil }
        if y < m && y < d { return "year-first" }
        return m < d ? "month-first" : "day-first"
    }
}
