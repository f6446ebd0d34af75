import CasparianCore

/// Why a text did or did not parse under a `TemporalFormat`.
enum TemporalMatch: Sendable, Equatable {
    /// The value, and whether the text carried a fraction of a second.
    case value(CellValue, fraction: Bool)
    /// The text does not have the pattern's shape.
    case mismatch
    /// The shape fits but a field is impossible (month 13, 30 February).
    case outOfRange(TemporalField, Int)
}

/// A field whose value can be out of range, for evidence messages.
enum TemporalField: String, Sendable {
    case year, month, day, hour, minute, second, offset, weekday
}

extension TemporalFormat {
    /// Parses UTF-8 bytes; the hot path of the solver.
    func match(_ b: UnsafeBufferPointer<UInt8>) -> TemporalMatch {
        var i = 0
        let n = b.count
        var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0
        var micros = 0
        var pm: Bool? = nil
        var offset: Int? = nil
        var weekday: Int? = nil
        var sawFraction = false
        var hasDate = false, hasTime = false

        @inline(__always) func digit(_ at: Int) -> Int? {
            guard at < n else { return nil }
            let d = Int(b[at]) &- 48
            return d >= 0 && d <= 9 ? d : nil
        }
        /// One or two digits; exactly two when `fixed`.
        @inline(__always) func number(fixed: Bool) -> Int? {
            guard let d0 = digit(i) else { return nil }
            if let d1 = digit(i + 1) {
                i += 2
                return d0 * 10 + d1
            }
            if fixed { return nil }
            i += 1
            return d0
        }

        let tokens = self.tokens
        for t in 0..<tokens.count {
            let token = tokens[t]
            let fixed = t + 1 < tokens.count && tokens[t + 1].isNumeric
            switch token {
            case .literal(let c):
                guard i < n, b[i] == c else { return .mismatch }
                i += 1
            case .year4:
                guard let a = digit(i), let c = digit(i + 1), let d = digit(i + 2), let e = digit(i + 3) else { return .mismatch }
                i += 4
                year = a * 1000 + c * 100 + d * 10 + e
                if year == 0 { return .outOfRange(.year, 0) }
                hasDate = true
            case .year2:
                guard let a = digit(i), let c = digit(i + 1) else { return .mismatch }
                i += 2
                let y = a * 10 + c
                year = y < 69 ? 2000 + y : 1900 + y
            case .month:
                guard let v = number(fixed: fixed) else { return .mismatch }
                month = v
            case .day:
                guard let v = number(fixed: fixed) else { return .mismatch }
                day = v
            case .spaceDay:
                if i < n, b[i] == UInt8(ascii: " ") { i += 1 }
                guard let v = number(fixed: fixed) else { return .mismatch }
                day = v
            case .monthAbbrev:
                guard let m = TemporalNames.month(b, at: i, full: false) else { return .mismatch }
                month = m.index
                i += m.length
            case .monthName:
                guard let m = TemporalNames.month(b, at: i, full: true) else { return .mismatch }
                month = m.index
                i += m.length
            case .weekdayAbbrev:
                guard let w = TemporalNames.weekday(b, at: i, full: false) else { return .mismatch }
                weekday = w.index
                i += w.length
            case .weekdayName:
                guard let w = TemporalNames.weekday(b, at: i, full: true) else { return .mismatch }
                weekday = w.index
                i += w.length
            case .hour24, .hour12:
                guard let v = number(fixed: fixed) else { return .mismatch }
                hour = v
                hasTime = true
            case .minute:
                guard let v = number(fixed: fixed) else { return .mismatch }
                minute = v
            case .second:
                guard let v = number(fixed: fixed) else { return .mismatch }
                second = v
            case .fraction:
                guard let f = fractionDigits(b, &i) else { return .mismatch }
                micros = f
                sawFraction = true
            case .optionalFraction(let sep):
                if i + 1 < n, b[i] == sep, digit(i + 1) != nil {
                    i += 1
                    guard let f = fractionDigits(b, &i) else { return .mismatch }
                    micros = f
                    sawFraction = true
                }
            case .ampm:
                guard i + 1 < n else { return .mismatch }
                let a = b[i] | 0x20, m = b[i + 1] | 0x20
                guard m == UInt8(ascii: "m"), a == UInt8(ascii: "a") || a == UInt8(ascii: "p") else { return .mismatch }
                pm = a == UInt8(ascii: "p")
                i += 2
            case .offset:
                guard let o = offsetSeconds(b, &i) else { return .mismatch }
                offset = o
            }
        }
        guard i == n else { return .mismatch }
        _ = hasDate

        // Calendar and clock checks.
        if type == .date || type == .timestamp || type == .timestampTZ {
            if month < 1 || month > 12 { return .outOfRange(.month, month) }
            if day < 1 || day > CivilDate.daysInMonth(year: year, month: month) { return .outOfRange(.day, day) }
        }
        if hasTime {
            if let pm {
                if hour < 1 || hour > 12 { return .outOfRange(.hour, hour) }
                hour = hour % 12 + (pm ? 12 : 0)
            } else if hour > 23 {
                return .outOfRange(.hour, hour)
            }
            if minute > 59 { return .outOfRange(.minute, minute) }
            if second > 59 { return .outOfRange(.second, second) }
        }
        if let o = offset, abs(o) >= 24 * 3600 { return .outOfRange(.offset, o / 3600) }

        let clock = Int64(((hour * 60 + minute) * 60 + second)) * 1_000_000 + Int64(micros)
        switch type {
        case .time:
            return .value(.time(micros: clock), fraction: sawFraction)
        default:
            let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
            if let weekday, (days % 7 + 11) % 7 != weekday { return .outOfRange(.weekday, weekday) }
            switch type {
            case .date:
                return .value(.date(days: Int32(days)), fraction: false)
            case .timestamp:
                return .value(.timestamp(micros: Int64(days) * 86_400_000_000 + clock), fraction: sawFraction)
            default:
                let o = offset ?? 0
                let utc = Int64(days) * 86_400_000_000 + clock - Int64(o) * 1_000_000
                return .value(.timestampTZ(micros: utc, offsetSeconds: Int32(o)), fraction: sawFraction)
            }
        }
    }
}

/// 1–9 digits of a fraction of a second, as microseconds.
@inline(__always)
private func fractionDigits(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int? {
    var value = 0
    var count = 0
    while i < b.count, b[i] >= 48, b[i] <= 57, count < 9 {
        if count < 6 { value = value * 10 + Int(b[i] - 48) }
        count += 1
        i += 1
    }
    guard count > 0 else { return nil }
    for _ in count..<max(count, 6) { value *= 10 }
    return value
}

/// `Z`, `+hh:mm`, `+hhmm` or `+hh`, as seconds east of UTC.
@inline(__always)
private func offsetSeconds(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int? {
    let n = b.count
    guard i < n else { return nil }
    if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
        i += 1
        return 0
    }
    guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return nil }
    let negative = b[i] == UInt8(ascii: "-")
    func two(_ at: Int) -> Int? {
        guard at + 1 < n, b[at] >= 48, b[at] <= 57, b[at + 1] >= 48, b[at + 1] <= 57 else { return nil }
        return Int(b[at] - 48) * 10 + Int(b[at + 1] - 48)
    }
    guard let h = two(i + 1) else { return nil }
    var j = i + 3
    var m = 0
    if j < n, b[j] == UInt8(ascii: ":") {
        guard let mm = two(j + 1) else { return nil }
        m = mm
        j += 3
    } else if let mm = two(j) {
        m = mm
        j += 2
    }
    guard m < 60 else { return nil }
    i = j
    let s = h * 3600 + m * 60
    return negative ? -s : s
}

/// English month and weekday names, matched case-insensitively in bytes.
enum TemporalNames {
    static let months = ["january", "february", "march", "april", "may", "june", "july", "august",
                         "september", "october", "november", "december"].map { Array($0.utf8) }
    /// Sunday first, matching `(days % 7 + 11) % 7` for days since 1970-01-01 (a Thursday).
    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
        .map { Array($0.utf8) }

    static func month(_ b: UnsafeBufferPointer<UInt8>, at i: Int, full: Bool) -> (index: Int, length: Int)? {
        guard let (k, len) = name(in: months, b, at: i, full: full) else { return nil }
        return (k + 1, len)
    }

    static func weekday(_ b: UnsafeBufferPointer<UInt8>, at i: Int, full: Bool) -> (index: Int, length: Int)? {
        name(in: weekdays, b, at: i, full: full)
    }

    private static func name(in names: [[UInt8]], _ b: UnsafeBufferPointer<UInt8>, at i: Int,
                             full: Bool) -> (Int, Int)? {
        guard i + 3 <= b.count else { return nil }
        for (k, name) in names.enumerated() {
            let len = full ? name.count : 3
            guard i + len <= b.count else { continue }
            var ok = true
            for j in 0..<len where b[i + j] | 0x20 != name[j] {
                ok = false
                break
            }
            if ok { return (k, len) }
        }
        return nil
    }
}
