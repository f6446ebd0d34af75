/// A format whose fields all have a fixed width when written in full
/// (`%Y-%m-%d`, `%Y-%m-%dT%H:%M:%S`, `%Y%m%d`): text of exactly that length
/// is read at fixed offsets — one byte test per position, no per-field
/// branching — which is how nearly every exported date looks. Any other
/// length goes to the step parser (`2024-3-4` is still `%Y-%m-%d`).
///
/// Text of the full length can only match the format in the full layout:
/// no field is wider than its full width, so a short field would leave the
/// text short — unless an optional fraction makes up the difference
/// (`1:2:3.5` under `%H:%M:%S.%f` has the length of `01:02:03`), so for
/// those formats a mismatch here is not final. `@unchecked Sendable`: the
/// buffer is written once, before any use, and never again.
struct FixedLayout: @unchecked Sendable {
    /// Bytes of the full layout; -1 when the format has none.
    let length: Int
    /// Per position: 0 for a digit, else the literal byte.
    let classes: UnsafeBufferPointer<UInt8>
    /// Offsets of the fields (-1 when absent).
    let year, year2, month, day, hour, minute, second: Int
    /// False when the step parser must also try text the layout rejects.
    let mismatchIsFinal: Bool

    static let none = FixedLayout(
        length: -1, classes: UnsafeBufferPointer(start: nil, count: 0), year: -1, year2: -1, month: -1,
        day: -1, hour: -1, minute: -1, second: -1, mismatchIsFinal: false)

    private init(
        length: Int, classes: UnsafeBufferPointer<UInt8>, year: Int, year2: Int, month: Int, day: Int, hour: Int,
        minute: Int, second: Int, mismatchIsFinal: Bool
    ) {
        self.length = length
        self.classes = classes
        (self.year, self.year2, self.month, self.day) = (year, year2, month, day)
        (self.hour, self.minute, self.second) = (hour, minute, second)
        self.mismatchIsFinal = mismatchIsFinal
    }

    /// The layout of `steps`, or `none` when a step has no fixed width
    /// (names, `%e`, a required fraction, AM/PM, offsets). The buffer lives
    /// as long as the process, like the solver's compiled formats.
    static func of(_ steps: [TemporalStep]) -> FixedLayout {
        var classes: [UInt8] = []
        var offsets: [TemporalStep.Op: Int] = [:]
        var optionalFraction = false
        for step in steps {
            switch step.op {
            case .literal: classes.append(step.arg)
            case .year4:
                offsets[.year4] = classes.count
                classes += [0, 0, 0, 0]
            case .year2, .month, .day, .hour, .minute, .second:
                offsets[step.op] = classes.count
                classes += [0, 0]
            case .optionalFraction: optionalFraction = true
            case .spaceDay, .monthAbbrev, .monthName, .weekdayAbbrev, .weekdayName, .fraction, .ampm, .offset: return .none
            }
        }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: classes.count)
        _ = buffer.initialize(from: classes)
        return FixedLayout(
            length: classes.count, classes: UnsafeBufferPointer(buffer), year: offsets[.year4] ?? -1,
            year2: offsets[.year2] ?? -1, month: offsets[.month] ?? -1, day: offsets[.day] ?? -1,
            hour: offsets[.hour] ?? -1, minute: offsets[.minute] ?? -1, second: offsets[.second] ?? -1,
            mismatchIsFinal: !optionalFraction)
    }

    /// Reads text of exactly `length` bytes; false when a byte is not what
    /// the layout has there.
    @inline(__always)
    func read(_ b: UnsafeBufferPointer<UInt8>, into f: inout TemporalFields) -> Bool {
        let p = b.baseAddress!
        for k in 0..<length {
            let c = classes[k]
            if c == 0 {
                if p[k] &- 48 >= 10 { return false }
            } else if p[k] != c {
                return false
            }
        }
        @inline(__always) func two(_ o: Int) -> Int { Int(p[o] &- 48) * 10 + Int(p[o + 1] &- 48) }
        if year >= 0 { f.year = two(year) * 100 + two(year + 2) }
        if year2 >= 0 {
            let y = two(year2)
            f.year = y < 69 ? 2000 + y : 1900 + y
        }
        if month >= 0 { f.month = two(month) }
        if day >= 0 { f.day = two(day) }
        if hour >= 0 { f.hour = two(hour) }
        if minute >= 0 { f.minute = two(minute) }
        if second >= 0 { f.second = two(second) }
        return true
    }
}
