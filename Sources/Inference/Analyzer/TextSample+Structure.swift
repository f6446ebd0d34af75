/// Log lines and fixed-width columns.
extension TextSample {
    struct LogShape {
        /// Share of lines that start with a timestamp.
        var timestamped = 0.0
        /// Share of timestamped lines with text after the timestamp.
        var withMessage = 0.0
        /// Share of lines that name a level (INFO, ERROR, …).
        var levels = 0.0
        var evidence: [String] = []
    }

    static let levelWords = ["TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "WARNING", "ERROR", "CRITICAL", "FATAL", "SEVERE"]
        .map { Array($0.utf8) }
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map { Array($0.utf8) }

    func logLines() -> LogShape {
        guard !lines.isEmpty else { return LogShape() }
        var stamped = 0
        var message = 0
        var levelled = 0
        for line in lines.prefix(400) {
            let l = Array(line)
            if let end = Self.timestampEnd(l) {
                stamped += 1
                if l[end...].contains(where: { $0 != 32 && $0 != 9 }) { message += 1 }
            }
            if Self.namesLevel(l) { levelled += 1 }
        }
        let n = Double(min(lines.count, 400))
        var shape = LogShape(
            timestamped: Double(stamped) / n, withMessage: stamped == 0 ? 0 : Double(message) / Double(stamped),
            levels: Double(levelled) / n)
        shape.evidence =
            ["\(stamped) of \(Int(n)) lines start with a timestamp"] + (levelled > 0 ? ["\(levelled) lines name a log level"] : [])
        return shape
    }

    /// Where a timestamp at the start of the line ends (ISO or slashed date
    /// with a time, syslog `Mon dd hh:mm:ss`, a bare time), optionally in
    /// brackets; or an Apache `[dd/Mon/yyyy:hh:mm:ss` anywhere.
    static func timestampEnd(_ l: [UInt8]) -> Int? {
        func digits(_ at: Int, _ n: Int) -> Bool {
            at + n <= l.count && l[at..<(at + n)].allSatisfy { (48...57).contains($0) }
        }
        func time(_ at: Int) -> Int? {
            guard digits(at, 2), at + 5 <= l.count, l[at + 2] == 58, digits(at + 3, 2) else { return nil }
            var end = at + 5
            if end + 3 <= l.count, l[end] == 58, digits(end + 1, 2) { end += 3 }
            while end < l.count, (48...57).contains(l[end]) || [46, 44, 90, 43, 45, 58].contains(l[end]) { end += 1 }
            return end
        }
        var i = 0
        while i < l.count, l[i] == 32 || l[i] == UInt8(ascii: "[") { i += 1 }
        // 2024-01-31T12:00 / 2024/01/31 12:00 / 31/01/2024 12:00
        if digits(i, 4), i + 10 <= l.count, [45, 47, 46].contains(l[i + 4]), digits(i + 5, 2), l[i + 7] == l[i + 4], digits(i + 8, 2),
            i + 11 <= l.count, l[i + 10] == 84 || l[i + 10] == 32, let end = time(i + 11)
        {
            return end
        }
        if digits(i, 2), i + 10 <= l.count, [45, 47, 46].contains(l[i + 2]), digits(i + 3, 2), l[i + 5] == l[i + 2], digits(i + 6, 4),
            i + 11 <= l.count, l[i + 10] == 32, let end = time(i + 11)
        {
            return end
        }
        // Jan  1 12:00:00
        if i + 3 <= l.count, months.contains(where: { l[i..<(i + 3)].elementsEqual($0) }) {
            var j = i + 3
            while j < l.count, l[j] == 32 { j += 1 }
            if digits(j, 2) || digits(j, 1) {
                j += digits(j, 2) ? 2 : 1
                if j < l.count, l[j] == 32, let end = time(j + 1) { return end }
            }
        }
        if i + 8 <= l.count, l[i + 2] == 58, l[i + 5] == 58, let end = time(i) { return end }
        // Apache / nginx: [31/Jan/2024:12:00:00 +0000]
        if let open = l.firstIndex(of: UInt8(ascii: "[")), digits(open + 1, 2), open + 13 <= l.count, l[open + 3] == 47,
            months.contains(where: { l[(open + 4)..<(open + 7)].elementsEqual($0) }), l[open + 7] == 47, digits(open + 8, 4),
            let close = l[open...].firstIndex(of: UInt8(ascii: "]"))
        {
            return close + 1
        }
        return nil
    }

    static func namesLevel(_ l: [UInt8]) -> Bool {
        var i = 0
        while i < l.count {
            while i < l.count, !(65...90).contains(l[i]) { i += 1 }
            var j = i
            while j < l.count, (65...90).contains(l[j]) { j += 1 }
            if j > i, levelWords.contains(where: { l[i..<j].elementsEqual($0) }) { return true }
            i = j
        }
        return false
    }

    /// Columns of fixed-width text: positions blank in (nearly) every line
    /// between positions that hold characters. Needs at least four lines of
    /// eight bytes or more on average, and a gap of two blanks, or three
    /// columns, or (when `singleGapAllowed`: the lines are not timestamps)
    /// ten lines nearly all of one length.
    func fixedWidth(singleGapAllowed: Bool) -> (confidence: Double, evidence: [String])? {
        let rows = lines.prefix(400).map { Array($0) }
        guard rows.count >= 4, !rows.contains(where: { $0.contains(9) }),
            rows.reduce(0, { $0 + $1.count }) >= 8 * rows.count
        else { return nil }
        let width = rows.map(\.count).max()!
        var blank = [Int](repeating: 0, count: width)
        for r in rows {
            for p in 0..<width where p >= r.count || r[p] == 32 { blank[p] += 1 }
        }
        let allowance = max(1, rows.count / 20)
        let isGap = blank.map { $0 >= rows.count - allowance }
        var gaps: [Int] = []
        var p = 0
        while p < width {
            guard isGap[p] else {
                p += 1
                continue
            }
            let start = p
            while p < width, isGap[p] { p += 1 }
            if start > 0 && p < width { gaps.append(p - start) }
        }
        var lengths: [Int: Int] = [:]
        for r in rows { lengths[r.count, default: 0] += 1 }
        let sameLength = Double(lengths.values.max()!) / Double(rows.count)
        guard !gaps.isEmpty,
            gaps.contains(where: { $0 >= 2 }) || gaps.count >= 2 || (singleGapAllowed && rows.count >= 10 && sameLength >= 0.9)
        else { return nil }
        let confidence = min(0.95, 0.45 + 0.25 * min(1, Double(rows.count) / 20) + 0.25 * sameLength)
        return (
            confidence,
            [
                "\(gaps.count + 1) columns aligned over \(rows.count) lines",
                "\(Int(sameLength * 100))% of lines are \(lengths.max { $0.value < $1.value }!.key) bytes long",
            ]
        )
    }
}
