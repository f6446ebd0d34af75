extension GlobPattern {
    /// Segments against path parts (ranges of `path`); `**` tries every split.
    static func match(
        _ segments: ArraySlice<Segment>, _ parts: ArraySlice<Range<Int>>,
        in path: UnsafeBufferPointer<Unicode.Scalar>
    ) -> Bool {
        guard let first = segments.first else { return parts.isEmpty }
        switch first {
        case .globstar:
            let rest = segments.dropFirst()
            if rest.isEmpty { return true }
            var p = parts
            while true {
                if match(rest, p, in: path) { return true }
                if p.isEmpty { return false }
                p = p.dropFirst()
            }
        case .tokens(let tokens):
            guard let part = parts.first, matchSegment(tokens, UnsafeBufferPointer(rebasing: path[part])) else { return false }
            return match(segments.dropFirst(), parts.dropFirst(), in: path)
        }
    }

    /// One segment: wildcard matching with single-star backtracking (linear
    /// in practice, never exponential).
    static func matchSegment(_ tokens: [Token], _ name: UnsafeBufferPointer<Unicode.Scalar>) -> Bool {
        var t = 0
        var n = 0
        var starT = -1
        var starN = 0
        while n < name.count {
            if t < tokens.count {
                switch tokens[t] {
                case .anyRun:
                    starT = t
                    starN = n
                    t += 1
                    continue
                case .anyOne:
                    t += 1
                    n += 1
                    continue
                case .literal(let c) where c == name[n]:
                    t += 1
                    n += 1
                    continue
                case .set(let ranges, let negated) where ranges.contains(where: { $0.contains(name[n]) }) != negated:
                    t += 1
                    n += 1
                    continue
                default: break
                }
            }
            guard starT >= 0 else { return false }
            t = starT + 1
            starN += 1
            n = starN
        }
        while t < tokens.count, tokens[t] == .anyRun { t += 1 }
        return t == tokens.count
    }
}
