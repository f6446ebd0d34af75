/// A compiled glob over relative paths (`/`-separated), shared by scope
/// include/exclude filters and plugin `pattern`s.
///
/// Syntax: `*` any run of characters within one path segment, `?` one
/// character, `[abc]`, `[a-z]`, `[!a-z]` (or `[^…]`) one character of (not
/// of) a set, `{a,b}` alternatives (may nest, may contain `/`), `**` as a
/// whole segment any number of segments including none, `\x` a literal `x`.
/// A pattern without `/` matches the file name at any depth (`*.csv` is
/// `**/*.csv`); a pattern with `/` is anchored at the root (a leading `/`
/// is allowed and ignored). Matching is case-sensitive.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    public let source: String
    /// One compiled alternative per `{…}` expansion.
    let alternatives: [[Segment]]

    enum Segment: Hashable, Sendable {
        case globstar
        case tokens([Token])
    }

    enum Token: Hashable, Sendable {
        case literal(Unicode.Scalar)
        case anyRun
        case anyOne
        case set(ranges: [ClosedRange<Unicode.Scalar>], negated: Bool)
    }

    /// The most alternatives `{…}` may expand to.
    static let maxAlternatives = 1024

    /// Compiles `pattern`; throws a `usage` error naming the problem and
    /// its position when the pattern is malformed.
    public init(_ pattern: String) throws {
        source = pattern
        guard !pattern.isEmpty else { throw GlobPattern.error(pattern, "is empty") }
        let expanded = try GlobPattern.expandBraces(Array(pattern.unicodeScalars), pattern: pattern)
        alternatives = try expanded.map { try GlobPattern.compile($0, pattern: pattern) }
    }

    public var description: String { source }

    /// True when the relative path (`a/b/c.csv`, no leading `/`) matches.
    /// The path is read once into scalars and its segments are ranges of
    /// them: a run matches every file of a scope, so no array per segment.
    public func matches(_ relativePath: String) -> Bool {
        let scalars = Array(relativePath.unicodeScalars)
        var parts: [Range<Int>] = []
        var start = 0
        for (i, c) in scalars.enumerated() where c == "/" {
            if i > start { parts.append(start..<i) }
            start = i + 1
        }
        if scalars.count > start { parts.append(start..<scalars.count) }
        return scalars.withUnsafeBufferPointer { path in
            alternatives.contains { GlobPattern.match($0[...], parts[...], in: path) }
        }
    }

    static func error(_ pattern: String, _ problem: String) -> CasparianError {
        CasparianError(
            .usage, "invalid glob \"\(pattern)\": \(problem)",
            hint: "globs use * ? [a-z] {a,b} and ** as a whole path segment (e.g. \"**/sales_*.csv\"); escape special characters with \\")
    }
}
