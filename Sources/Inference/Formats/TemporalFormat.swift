import CasparianCore

/// A strftime pattern compiled for fast, strict parsing of dates, times and
/// timestamps straight from UTF-8 bytes (no Foundation, no regex).
///
/// Supported directives: `%Y` (4 digits) `%y` (2 digits: 69–99 → 19xx,
/// 00–68 → 20xx) `%m` `%d` `%e` `%b`/`%h` `%B` `%a` `%A` `%H` `%I` `%M` `%S`
/// `%f` `%p` `%z` `%%`, and the shorthands `%F` (`%Y-%m-%d`), `%T`
/// (`%H:%M:%S`), `%R` (`%H:%M`), `%D` (`%m/%d/%y`). Every other character is
/// matched literally. Like `strptime`, numeric fields accept one or two digits
/// (`3/4/2024` matches `%m/%d/%Y`) unless another number follows without a
/// separator (`%Y%m%d` needs `20240304`). `%f` takes 1–9 digits (kept to the
/// microsecond); a `.%f` or `,%f` right after `%S` is optional, because
/// ISO 8601 writers omit a zero fraction. `%z` accepts `Z`, `+hh:mm`,
/// `+hhmm` and `+hh`. Names (`%b`, `%B`, `%a`, `%A`, `%p`) are English and
/// case-insensitive; a weekday must agree with the date.
///
/// Parsing checks the calendar: month 1–12, day within the month (leap years
/// included), hour 0–23 (1–12 with `%p`), minute and second 0–59.
public struct TemporalFormat: Sendable, Hashable {
    /// The strftime text the format was made from.
    public let pattern: String
    /// `.date`, `.time`, `.timestamp` or `.timestampTZ`.
    public let type: DataType
    let tokens: [Token]
    let steps: [TemporalStep]
    /// The steps without `:%S` (and a fraction after it), for a pattern
    /// with seconds: a value written without them (`13:00` for
    /// `%H:%M:%S`) reads as :00 (`parseAllowingMissingSeconds`).
    let secondslessSteps: [TemporalStep]?
    let hasDate: Bool
    let hasTime: Bool

    /// Compiles `strftime`; nil when the pattern uses a directive this parser
    /// does not support, repeats a field, or does not name a whole date
    /// (year, month, day; or a four-digit year alone, read as its 1 January)
    /// and/or a time (at least the hour).
    public init?(strftime: String) {
        guard let tokens = TemporalFormat.compile(Array(strftime.utf8)),
            let type = TemporalFormat.resultType(of: tokens)
        else { return nil }
        self.pattern = strftime
        self.type = type
        self.tokens = tokens
        self.steps = TemporalStep.steps(tokens)
        self.secondslessSteps = TemporalFormat.withoutSeconds(tokens).map(TemporalStep.steps)
        self.hasDate = type != .time
        self.hasTime = type != .date
    }

    /// The pattern without `:%S` (and a fraction after it), when it has them.
    public var patternWithoutSeconds: String? {
        guard secondslessSteps != nil, let r = pattern.range(of: ":%S") else { return nil }
        var rest = pattern[r.upperBound...]
        for f in [".%f", "%f"] where rest.hasPrefix(f) { rest = rest.dropFirst(f.count) }
        return String(pattern[..<r.lowerBound] + rest)
    }

    /// `tokens` without `:` `%S` and a fraction after them; nil when there are no such seconds.
    static func withoutSeconds(_ tokens: [Token]) -> [Token]? {
        guard let s = tokens.firstIndex(of: .second), s > 0, tokens[s - 1] == .literal(UInt8(ascii: ":")) else { return nil }
        var end = s + 1
        while end < tokens.count {
            switch tokens[end] {
            case .fraction, .optionalFraction: end += 1
            default: return Array(tokens[..<(s - 1)] + tokens[end...])
            }
        }
        return Array(tokens[..<(s - 1)])
    }

    /// As `parse`, and a value written without the pattern's seconds
    /// (`13:00` for `%H:%M:%S`, `2024-01-02 13:00` for `%Y-%m-%d %H:%M:%S`)
    /// reads with 0 seconds: the same instant, nothing lost. What the
    /// solver accepts for such a format and what validation accepts.
    public func parseAllowingMissingSeconds(_ text: Substring) -> CellValue? {
        if let v = parse(text) { return v }
        guard secondslessSteps != nil else { return nil }
        var text = text
        return text.withUTF8 { bytes in
            if case .value(let v, _) = match(bytes, secondsless: true) { return v }
            return nil
        }
    }

    /// The value `text` denotes, or nil when it does not match the pattern
    /// exactly or names an impossible date or time (month 13, 30 February).
    public func parse(_ text: Substring) -> CellValue? {
        var text = text
        return text.withUTF8 { bytes in
            if case .value(let v, _) = match(bytes) { return v }
            return nil
        }
    }

    public static func == (a: TemporalFormat, b: TemporalFormat) -> Bool { a.pattern == b.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
}

extension TemporalFormat {
    /// One compiled piece of a pattern.
    enum Token: Sendable, Equatable {
        case literal(UInt8)
        case year4, year2, month, day, spaceDay, monthAbbrev, monthName, weekdayAbbrev, weekdayName
        case hour24, hour12, minute, second, fraction, ampm, offset
        /// `.%f`/`,%f` after `%S`: the separator and digits may be absent.
        case optionalFraction(UInt8)

        var isNumeric: Bool {
            switch self {
            case .year4, .year2, .month, .day, .spaceDay, .hour24, .hour12, .minute, .second, .fraction: return true
            default: return false
            }
        }

        /// Which field the token fills, to refuse patterns that repeat one.
        var field: Int? {
            switch self {
            case .literal: return nil
            case .year4, .year2: return 0
            case .month, .monthAbbrev, .monthName: return 1
            case .day, .spaceDay: return 2
            case .weekdayAbbrev, .weekdayName: return 3
            case .hour24, .hour12: return 4
            case .minute: return 5
            case .second: return 6
            case .fraction, .optionalFraction: return 7
            case .ampm: return 8
            case .offset: return 9
            }
        }
    }

    static func compile(_ p: [UInt8]) -> [Token]? {
        var tokens: [Token] = []
        var i = 0
        func expand(_ s: String) -> [Token]? { compile(Array(s.utf8)) }
        while i < p.count {
            let c = p[i]
            guard c == UInt8(ascii: "%") else {
                tokens.append(.literal(c))
                i += 1
                continue
            }
            guard i + 1 < p.count else { return nil }
            let d = p[i + 1]
            i += 2
            switch d {
            case UInt8(ascii: "Y"): tokens.append(.year4)
            case UInt8(ascii: "y"): tokens.append(.year2)
            case UInt8(ascii: "m"): tokens.append(.month)
            case UInt8(ascii: "d"): tokens.append(.day)
            case UInt8(ascii: "e"): tokens.append(.spaceDay)
            case UInt8(ascii: "b"), UInt8(ascii: "h"): tokens.append(.monthAbbrev)
            case UInt8(ascii: "B"): tokens.append(.monthName)
            case UInt8(ascii: "a"): tokens.append(.weekdayAbbrev)
            case UInt8(ascii: "A"): tokens.append(.weekdayName)
            case UInt8(ascii: "H"): tokens.append(.hour24)
            case UInt8(ascii: "I"): tokens.append(.hour12)
            case UInt8(ascii: "M"): tokens.append(.minute)
            case UInt8(ascii: "S"): tokens.append(.second)
            case UInt8(ascii: "p"): tokens.append(.ampm)
            case UInt8(ascii: "z"): tokens.append(.offset)
            case UInt8(ascii: "%"): tokens.append(.literal(UInt8(ascii: "%")))
            case UInt8(ascii: "f"):
                if tokens.count >= 2, case .literal(let sep) = tokens[tokens.count - 1],
                    sep == UInt8(ascii: ".") || sep == UInt8(ascii: ","), tokens[tokens.count - 2] == .second
                {
                    tokens[tokens.count - 1] = .optionalFraction(sep)
                } else {
                    tokens.append(.fraction)
                }
            case UInt8(ascii: "F"):
                guard let t = expand("%Y-%m-%d") else { return nil }
                tokens += t
            case UInt8(ascii: "T"):
                guard let t = expand("%H:%M:%S") else { return nil }
                tokens += t
            case UInt8(ascii: "R"):
                guard let t = expand("%H:%M") else { return nil }
                tokens += t
            case UInt8(ascii: "D"):
                guard let t = expand("%m/%d/%y") else { return nil }
                tokens += t
            default: return nil
            }
        }
        var seen = Set<Int>()
        for t in tokens {
            if let f = t.field, !seen.insert(f).inserted { return nil }
        }
        return tokens
    }

    static func resultType(of tokens: [Token]) -> DataType? {
        let fields = Set(tokens.compactMap(\.field))
        // A four-digit year alone (`%Y`) is a date, its 1 January: how a
        // column of years is answered as dates. Discovery never proposes it.
        if fields == [0], tokens.contains(.year4) { return .date }
        let dateFields = fields.intersection([0, 1, 2])
        let hasDate = dateFields.count == 3
        guard dateFields.isEmpty || hasDate else { return nil }
        if fields.contains(3) && !hasDate { return nil }
        let hasTime = fields.contains(4)
        if !hasTime && !fields.isDisjoint(with: [5, 6, 7, 8]) { return nil }
        if fields.contains(6) && !fields.contains(5) { return nil }
        if fields.contains(7) && !fields.contains(6) { return nil }
        let twelveHour = tokens.contains(.hour12)
        if twelveHour != fields.contains(8) { return nil }
        let hasOffset = fields.contains(9)
        switch (hasDate, hasTime, hasOffset) {
        case (true, true, true): return .timestampTZ
        case (true, true, false): return .timestamp
        case (true, false, false): return .date
        case (false, true, false): return .time
        default: return nil
        }
    }
}
