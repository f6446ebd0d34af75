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

/// The fields a text named, before range checks.
struct TemporalFields {
    var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0
    /// -1 without `%p`, 0 AM, 1 PM.
    var pm = -1
    var offset = 0
    var weekday = -1
    var fraction = false
}

/// One compiled step of a pattern, small and flat for the hot loop.
struct TemporalStep: Sendable {
    enum Op: UInt8, Sendable {
        case literal, year4, year2, month, day, spaceDay, monthAbbrev, monthName, weekdayAbbrev, weekdayName
        case hour, minute, second, fraction, optionalFraction, ampm, offset
    }
    var op: Op
    /// The literal byte, or the separator of an optional fraction.
    var arg: UInt8
    /// Exactly two digits: another number follows without a separator.
    var fixed: Bool

    static func steps(_ tokens: [TemporalFormat.Token]) -> [TemporalStep] {
        tokens.indices.map { t in
            let fixed = t + 1 < tokens.count && tokens[t + 1].isNumeric
            switch tokens[t] {
            case .literal(let c): return TemporalStep(op: .literal, arg: c, fixed: false)
            case .year4: return TemporalStep(op: .year4, arg: 0, fixed: fixed)
            case .year2: return TemporalStep(op: .year2, arg: 0, fixed: fixed)
            case .month: return TemporalStep(op: .month, arg: 0, fixed: fixed)
            case .day: return TemporalStep(op: .day, arg: 0, fixed: fixed)
            case .spaceDay: return TemporalStep(op: .spaceDay, arg: 0, fixed: fixed)
            case .monthAbbrev: return TemporalStep(op: .monthAbbrev, arg: 0, fixed: fixed)
            case .monthName: return TemporalStep(op: .monthName, arg: 0, fixed: fixed)
            case .weekdayAbbrev: return TemporalStep(op: .weekdayAbbrev, arg: 0, fixed: fixed)
            case .weekdayName: return TemporalStep(op: .weekdayName, arg: 0, fixed: fixed)
            case .hour24, .hour12: return TemporalStep(op: .hour, arg: 0, fixed: fixed)
            case .minute: return TemporalStep(op: .minute, arg: 0, fixed: fixed)
            case .second: return TemporalStep(op: .second, arg: 0, fixed: fixed)
            case .fraction: return TemporalStep(op: .fraction, arg: 0, fixed: fixed)
            case .optionalFraction(let sep): return TemporalStep(op: .optionalFraction, arg: sep, fixed: fixed)
            case .ampm: return TemporalStep(op: .ampm, arg: 0, fixed: fixed)
            case .offset: return TemporalStep(op: .offset, arg: 0, fixed: fixed)
            }
        }
    }
}

extension TemporalFormat {
    /// Reads the fields the pattern names; false when the shape differs.
    @inline(__always)
    func scan(_ b: UnsafeBufferPointer<UInt8>, into f: inout TemporalFields) -> Bool {
        steps.withUnsafeBufferPointer { TemporalFormat.scan(b, steps: $0, into: &f) }
    }

    /// True when `b` is a valid value of the pattern written without its
    /// seconds (`13:00` for `%H:%M:%S`).
    func fitsWithoutSeconds(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let secondslessSteps else { return false }
        var f = TemporalFields()
        return secondslessSteps.withUnsafeBufferPointer { TemporalFormat.scan(b, steps: $0, into: &f) } && rangeViolation(&f) == nil
    }

    @inline(__always)
    static func scan(
        _ b: UnsafeBufferPointer<UInt8>, steps: UnsafeBufferPointer<TemporalStep>,
        into f: inout TemporalFields
    ) -> Bool {
        var i = 0
        let n = b.count
        @inline(__always) func digit(_ at: Int) -> Int {
            at < n ? Int(b[at]) &- 48 : -1
        }
        @inline(__always) func number(_ fixed: Bool) -> Int? {
            let d0 = digit(i)
            guard d0 >= 0 && d0 <= 9 else { return nil }
            let d1 = digit(i + 1)
            if d1 >= 0 && d1 <= 9 {
                i += 2
                return d0 * 10 + d1
            }
            if fixed { return nil }
            i += 1
            return d0
        }
        do {
            for step in steps {
                switch step.op {
                case .literal:
                    guard i < n, b[i] == step.arg else { return false }
                    i += 1
                case .year4:
                    guard i + 4 <= n else { return false }
                    var y = 0
                    for k in 0..<4 {
                        let d = Int(b[i + k]) &- 48
                        guard d >= 0 && d <= 9 else { return false }
                        y = y * 10 + d
                    }
                    i += 4
                    f.year = y
                case .year2:
                    let a = digit(i)
                    let c = digit(i + 1)
                    guard a >= 0 && a <= 9 && c >= 0 && c <= 9 else { return false }
                    i += 2
                    let y = a * 10 + c
                    f.year = y < 69 ? 2000 + y : 1900 + y
                case .month:
                    guard let v = number(step.fixed) else { return false }
                    f.month = v
                case .day:
                    guard let v = number(step.fixed) else { return false }
                    f.day = v
                case .spaceDay:
                    if i < n, b[i] == UInt8(ascii: " ") { i += 1 }
                    guard let v = number(step.fixed) else { return false }
                    f.day = v
                case .monthAbbrev, .monthName:
                    guard let m = TemporalNames.month(b, at: i, full: step.op == .monthName) else { return false }
                    f.month = m.index
                    i += m.length
                case .weekdayAbbrev, .weekdayName:
                    guard let w = TemporalNames.weekday(b, at: i, full: step.op == .weekdayName) else { return false }
                    f.weekday = w.index
                    i += w.length
                case .hour:
                    guard let v = number(step.fixed) else { return false }
                    f.hour = v
                case .minute:
                    guard let v = number(step.fixed) else { return false }
                    f.minute = v
                case .second:
                    guard let v = number(step.fixed) else { return false }
                    f.second = v
                case .fraction:
                    guard let v = fractionDigits(b, &i) else { return false }
                    f.micros = v
                    f.fraction = true
                case .optionalFraction:
                    if i + 1 < n, b[i] == step.arg, b[i + 1] &- 48 < 10 {
                        i += 1
                        guard let v = fractionDigits(b, &i) else { return false }
                        f.micros = v
                        f.fraction = true
                    }
                case .ampm:
                    guard i + 1 < n else { return false }
                    let a = b[i] | 0x20
                    let m = b[i + 1] | 0x20
                    guard m == UInt8(ascii: "m"), a == UInt8(ascii: "a") || a == UInt8(ascii: "p") else { return false }
                    f.pm = a == UInt8(ascii: "p") ? 1 : 0
                    i += 2
                case .offset:
                    guard let o = offsetSeconds(b, &i) else { return false }
                    f.offset = o
                }
            }
            return i == n
        }
    }

    /// The first impossible field (month 13, 30 February, hour 24), or nil.
    /// Turns a 12-hour clock into 24 hours.
    @inline(__always)
    func rangeViolation(_ f: inout TemporalFields) -> (TemporalField, Int)? {
        TemporalFormat.rangeViolation(&f, hasDate: hasDate, hasTime: hasTime)
    }

    @inline(__always)
    static func rangeViolation(_ f: inout TemporalFields, hasDate: Bool, hasTime: Bool) -> (TemporalField, Int)? {
        if hasDate {
            if f.year == 0 { return (.year, 0) }
            if f.month < 1 || f.month > 12 { return (.month, f.month) }
            if f.day < 1 || f.day > CivilDate.daysInMonth(year: f.year, month: f.month) { return (.day, f.day) }
        }
        if hasTime {
            if f.pm >= 0 {
                if f.hour < 1 || f.hour > 12 { return (.hour, f.hour) }
                f.hour = f.hour % 12 + (f.pm == 1 ? 12 : 0)
            } else if f.hour > 23 {
                return (.hour, f.hour)
            }
            if f.minute > 59 { return (.minute, f.minute) }
            if f.second > 59 { return (.second, f.second) }
        }
        if abs(f.offset) >= 24 * 3600 { return (.offset, f.offset / 3600) }
        if f.weekday >= 0 {
            let days = CivilDate(year: f.year, month: f.month, day: f.day).daysSinceEpoch
            if (days % 7 + 11) % 7 != f.weekday { return (.weekday, f.weekday) }
        }
        return nil
    }

    /// Whether the text is a valid value of this format, and whether it had
    /// a fraction of a second: the solver's test, which builds no value.
    @inline(__always)
    func fits(_ b: UnsafeBufferPointer<UInt8>) -> (ok: Bool, fraction: Bool) {
        var f = TemporalFields()
        guard scan(b, into: &f), rangeViolation(&f) == nil else { return (false, false) }
        return (true, f.fraction)
    }

    /// Parses UTF-8 bytes into a value, or says why not; `secondsless`
    /// reads them without the pattern's seconds (0 seconds).
    func match(_ b: UnsafeBufferPointer<UInt8>, secondsless: Bool = false) -> TemporalMatch {
        var f = TemporalFields()
        if secondsless {
            guard let secondslessSteps, secondslessSteps.withUnsafeBufferPointer({ TemporalFormat.scan(b, steps: $0, into: &f) })
            else { return .mismatch }
        } else {
            guard scan(b, into: &f) else { return .mismatch }
        }
        if let (field, v) = rangeViolation(&f) { return .outOfRange(field, v) }
        let clock = Int64((f.hour * 60 + f.minute) * 60 + f.second) * 1_000_000 + Int64(f.micros)
        switch type {
        case .time:
            return .value(.time(micros: clock), fraction: f.fraction)
        default:
            let days = Int64(CivilDate(year: f.year, month: f.month, day: f.day).daysSinceEpoch)
            switch type {
            case .date: return .value(.date(days: Int32(days)), fraction: false)
            case .timestamp: return .value(.timestamp(micros: days * 86_400_000_000 + clock), fraction: f.fraction)
            default:
                let utc = days * 86_400_000_000 + clock - Int64(f.offset) * 1_000_000
                return .value(.timestampTZ(micros: utc, offsetSeconds: Int32(f.offset)), fraction: f.fraction)
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
    static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december",
    ].map { Array($0.utf8) }
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

    private static func name(
        in names: [[UInt8]], _ b: UnsafeBufferPointer<UInt8>, at i: Int,
        full: Bool
    ) -> (Int, Int)? {
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
