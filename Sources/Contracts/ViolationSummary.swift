import CasparianCore

/// Violations grouped by kind, column and the shape of the offending values
/// (`99/99/9999`, `aaa`), with counts, samples and where the files are —
/// what a person reads to decide between fixing the parser and amending the
/// contract, and what `AmendmentProposal.fromEvidence` turns into changes.
public struct ViolationSummary: Codable, Sendable, Equatable {
    public struct Sample: Codable, Sendable, Equatable {
        public var file: String
        public var row: Int
        public var got: String
    }

    public struct Group: Codable, Sendable, Equatable {
        public var kind: Violation.Kind
        public var output: String
        public var column: String
        /// The shape of the values: digits as `9`, letters as `a`/`A`,
        /// other characters kept; `null`/`absent` for missing values.
        public var pattern: String
        public var gotType: String
        public var expected: String
        /// Stored violations in this group.
        public var count: Int
        /// Files with at least one violation of this group.
        public var files: Int
        /// Up to 5 examples, distinct values first.
        public var samples: [Sample]
        /// Every affected file (up to 100), sorted.
        public var affectedFiles: [String]
        /// A glob that covers the affected files (their common folder), when
        /// they share one.
        public var filePattern: String?

        enum CodingKeys: String, CodingKey {
            case kind, output, column, pattern, expected, count, files, samples
            case gotType = "got_type"
            case affectedFiles = "affected_files"
            case filePattern = "file_pattern"
        }
    }

    public struct Total: Codable, Sendable, Equatable {
        public var kind: Violation.Kind
        public var column: String
        /// Every violation of this kind in this column, including those past
        /// the per-file cap.
        public var count: Int
    }

    /// Every violation, stored or counted.
    public var total: Int
    /// Violations kept in full (the rest were past the per-file cap).
    public var stored: Int
    public var filesChecked: Int
    public var filesWithViolations: Int
    public var totals: [Total]
    /// Largest group first.
    public var groups: [Group]

    enum CodingKeys: String, CodingKey {
        case total, stored, totals, groups
        case filesChecked = "files_checked"
        case filesWithViolations = "files_with_violations"
    }

    public init(files: [FileViolations]) {
        var totals: [FileViolations.Count: Int] = [:]
        for f in files { totals.merge(f.counts, uniquingKeysWith: +) }
        self.init(violations: files.flatMap(\.violations))
        total = files.map(\.total).reduce(0, +)
        filesChecked = files.count
        filesWithViolations = files.filter { !$0.isClean }.count
        self.totals = totals.map { Total(kind: $0.key.kind, column: $0.key.column, count: $0.value) }
            .sorted { ($0.count, $1.kind, $1.column) > ($1.count, $0.kind, $0.column) }
    }

    /// Groups a plain list of violations (all of them are stored).
    public init(violations: [Violation]) {
        struct Key: Hashable {
            var kind: Violation.Kind
            var output: String
            var column: String
            var pattern: String
        }
        var order: [Key] = []
        var members: [Key: [Violation]] = [:]
        for v in violations {
            let key = Key(kind: v.kind, output: v.output, column: v.column, pattern: ValueShape.of(v))
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(v)
        }
        groups = order.map { key in
            let vs = members[key]!
            let files = Set(vs.map(\.file)).sorted()
            var samples: [Sample] = []
            var seen: Set<String> = []
            for v in vs where samples.count < 5 && seen.insert(v.got).inserted {
                samples.append(Sample(file: v.file, row: v.row, got: v.got))
            }
            for v in vs where samples.count < 5 && !samples.contains(where: { $0.file == v.file && $0.row == v.row }) {
                samples.append(Sample(file: v.file, row: v.row, got: v.got))
            }
            return Group(
                kind: key.kind, output: key.output, column: key.column, pattern: key.pattern, gotType: vs[0].gotType,
                expected: vs[0].expected, count: vs.count, files: files.count, samples: samples,
                affectedFiles: Array(files.prefix(100)), filePattern: ValueShape.commonFolderPattern(files))
        }.sorted { ($0.count, $1.column, $1.pattern) > ($1.count, $0.column, $0.pattern) }
        var totals: [FileViolations.Count: Int] = [:]
        for v in violations { totals[FileViolations.Count(kind: v.kind, column: v.column), default: 0] += 1 }
        self.totals = totals.map { Total(kind: $0.key.kind, column: $0.key.column, count: $0.value) }
            .sorted { ($0.count, $1.kind, $1.column) > ($1.count, $0.kind, $0.column) }
        total = violations.count
        stored = violations.count
        filesChecked = Set(violations.map(\.file)).count
        filesWithViolations = filesChecked
    }
}

/// Shapes of values and of file sets, for grouping.
public enum ValueShape {
    /// `12/31/2024` → `99/99/9999`, `N.A.` → `A.A.`, `abc` → `aaa`; at most
    /// 40 characters (then `…`).
    public static func of(_ text: String) -> String {
        var out = ""
        for ch in text.prefix(40) {
            if ch.isASCII, let a = ch.asciiValue {
                switch a {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): out.append("9")
                case UInt8(ascii: "a")...UInt8(ascii: "z"): out.append("a")
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): out.append("A")
                default: out.append(ch)
                }
            } else {
                out.append(ch.isLetter ? "a" : ch)
            }
        }
        if text.count > 40 { out.append("…") }
        return out
    }

    /// The pattern of a violation's value: the kind for missing values and
    /// typed (non-text) values, the text's shape otherwise.
    public static func of(_ v: Violation) -> String {
        switch v.gotType {
        case "null", "absent": return v.gotType
        case "str": return of(v.got)
        default: return "\(v.gotType) " + of(v.got)
        }
    }

    /// `DIR/**` for the deepest folder all `files` share, `DIR/FILE` for a
    /// single file; nil when they share no folder.
    public static func commonFolderPattern(_ files: [String]) -> String? {
        guard let first = files.first else { return nil }
        if files.count == 1 { return first }
        var common = first.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for f in files.dropFirst() {
            let parts = f.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            var n = 0
            while n < common.count, n < parts.count, common[common.startIndex + n] == parts[parts.startIndex + n] { n += 1 }
            common = common.prefix(n)
        }
        let folder = common.joined(separator: "/")
        if folder.isEmpty { return first.hasPrefix("/") ? nil : "**" }
        return folder + "/**"
    }
}
