extension GlobPattern {
    /// Expands `{a,b}` alternatives (nested, left to right).
    static func expandBraces(_ s: [Unicode.Scalar], pattern: String) throws -> [[Unicode.Scalar]] {
        var i = 0
        var inSet = false
        while i < s.count {
            let c = s[i]
            if c == "\\" {
                i += 2
                continue
            }
            if inSet {
                if c == "]" { inSet = false }
                i += 1
                continue
            }
            if c == "[" {
                inSet = true
                i += 1
                continue
            }
            if c == "}" { throw error(pattern, "\"}\" at position \(i + 1) has no matching \"{\"") }
            if c == "{" {
                var depth = 0
                var j = i
                var commas: [Int] = []
                var close: Int?
                while j < s.count {
                    if s[j] == "\\" {
                        j += 2
                        continue
                    }
                    if s[j] == "{" { depth += 1 }
                    if s[j] == "}" {
                        depth -= 1
                        if depth == 0 {
                            close = j
                            break
                        }
                    }
                    if s[j] == ",", depth == 1 { commas.append(j) }
                    j += 1
                }
                guard let close else { throw error(pattern, "\"{\" at position \(i + 1) is never closed") }
                let prefix = Array(s[..<i])
                let suffix = Array(s[(close + 1)...])
                let bounds = [i] + commas + [close]
                var out: [[Unicode.Scalar]] = []
                for k in 0..<(bounds.count - 1) {
                    let choice = Array(s[(bounds[k] + 1)..<bounds[k + 1]])
                    out += try expandBraces(prefix + choice + suffix, pattern: pattern)
                    guard out.count <= maxAlternatives else { throw error(pattern, "expands to more than \(maxAlternatives) alternatives") }
                }
                return out
            }
            i += 1
        }
        return [s]
    }

    /// Compiles one brace-free alternative into segments.
    static func compile(_ s: [Unicode.Scalar], pattern: String) throws -> [Segment] {
        var body = s[...]
        let anchored = body.contains("/")
        if body.first == "/" { body = body.dropFirst() }
        var segments: [Segment] = []
        var current: [Token] = []
        var raw: [Unicode.Scalar] = []
        var i = body.startIndex
        func endSegment() throws {
            if raw == ["*", "*"] {
                if segments.last != .globstar { segments.append(.globstar) }
            } else if raw.isEmpty {
                // A trailing "/" means everything under the folder.
                guard i >= body.endIndex, !segments.isEmpty else { throw error(pattern, "has an empty path segment") }
                if segments.last != .globstar { segments.append(.globstar) }
            } else {
                segments.append(.tokens(current))
            }
            current = []
            raw = []
        }
        while i < body.endIndex {
            let c = body[i]
            switch c {
            case "/":
                i += 1
                try endSegment()
                continue
            case "\\":
                guard i + 1 < body.endIndex else { throw error(pattern, "ends with a lone \\") }
                current.append(.literal(body[i + 1]))
                raw += [c, body[i + 1]]
                i += 2
                continue
            case "*":
                if i + 1 < body.endIndex, body[i + 1] == "*" {
                    let segmentStart = raw.isEmpty
                    let segmentEnd = i + 2 == body.endIndex || body[i + 2] == "/"
                    guard segmentStart && segmentEnd else {
                        throw error(pattern, "\"**\" must be a whole path segment (like \"a/**/b\"); use \"*\" within a name")
                    }
                    raw += ["*", "*"]
                    i += 2
                    continue
                }
                if current.last != .anyRun { current.append(.anyRun) }
            case "?": current.append(.anyOne)
            case "[":
                let (token, next) = try compileSet(body, from: i, pattern: pattern)
                current.append(token)
                raw += Array(body[i..<next])
                i = next
                continue
            case "]": throw error(pattern, "\"]\" at position \(i + 1) has no matching \"[\"")
            default: current.append(.literal(c))
            }
            raw.append(c)
            i += 1
        }
        try endSegment()
        if !anchored, segments.first != .globstar { segments.insert(.globstar, at: 0) }
        return segments
    }

    private static func compileSet(_ s: ArraySlice<Unicode.Scalar>, from start: Int, pattern: String) throws -> (Token, Int) {
        var i = start + 1
        var negated = false
        if i < s.endIndex, s[i] == "!" || s[i] == "^" {
            negated = true
            i += 1
        }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        var first = true
        while i < s.endIndex {
            var c = s[i]
            if c == "]" && !first { return (.set(ranges: ranges, negated: negated), i + 1) }
            if c == "/" { break }
            if c == "\\", i + 1 < s.endIndex {
                i += 1
                c = s[i]
            }
            first = false
            if i + 2 < s.endIndex, s[i + 1] == "-", s[i + 2] != "]" {
                var hi = s[i + 2]
                var skip = 3
                if hi == "\\", i + 3 < s.endIndex {
                    hi = s[i + 3]
                    skip = 4
                }
                guard c <= hi else { throw error(pattern, "the range \(c)-\(hi) is backwards") }
                ranges.append(c...hi)
                i += skip
            } else {
                ranges.append(c...c)
                i += 1
            }
        }
        throw error(pattern, "\"[\" at position \(start + 1) is never closed")
    }
}
