import CasparianCore

/// One cell (or column) of parser output that breaks the contract.
///
/// `row` is 1-based within the file and output; `got` is the offending
/// value as text, truncated to a safe length, and `gotType` its kind
/// (`str`, `int`, `null`, …) so that `"5"` and `5` can be told apart.
public struct Violation: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable, Comparable {
        /// A value of the wrong kind (text where an int is locked, …).
        case typeMismatch = "type_mismatch"
        /// A null (or a null sentinel) in a column that is not nullable.
        case nullNotAllowed = "null_not_allowed"
        /// Text in a temporal column that does not match the locked format.
        case formatMismatch = "format_mismatch"
        /// A locked column the output did not have (the whole column, or a
        /// dict row that lacked the key) and that has no default.
        case missingColumn = "missing_column"
        /// A column the contract does not know, in a `strict` schema.
        case extraColumn = "extra_column"

        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    public var kind: Kind
    public var file: String
    public var output: String
    public var row: Int
    public var column: String
    public var expected: String
    public var got: String
    public var gotType: String

    public init(kind: Kind, file: String, output: String, row: Int, column: String, expected: String, got: String, gotType: String) {
        self.kind = kind
        self.file = file
        self.output = output
        self.row = row
        self.column = column
        self.expected = expected
        self.got = got
        self.gotType = gotType
    }

    enum CodingKeys: String, CodingKey {
        case kind, file, output, row, column, expected, got
        case gotType = "got_type"
    }

    /// One line for people: `type_mismatch in a.csv row 12, column amount: expected float64, got str "abc"`.
    public var message: String {
        "\(kind.rawValue) in \(file) row \(row), column \(column): expected \(expected), got \(gotType == "str" ? "str \"\(got)\"" : gotType == got ? got : "\(gotType) \(got)")"
    }
}

/// The violations found in one file: the first `cap` in full, the rest
/// counted, so a file with a million bad rows costs no more than one with a
/// thousand.
public struct FileViolations: Sendable, Equatable {
    public struct Count: Codable, Sendable, Hashable {
        public var kind: Violation.Kind
        public var column: String

        public init(kind: Violation.Kind, column: String) {
            self.kind = kind
            self.column = column
        }
    }

    public let file: String
    public let cap: Int
    public private(set) var violations: [Violation] = []
    /// Every violation, stored or not.
    public private(set) var total = 0
    /// Totals by kind and column, including violations past the cap.
    public private(set) var counts: [Count: Int] = [:]
    /// Rows and cells checked in this file.
    public internal(set) var rows = 0
    public internal(set) var cells = 0
    /// Columns already reported as missing or extra (reported once per file).
    var reportedColumns: Set<String> = []

    public init(file: String, cap: Int = 1000) {
        self.file = file
        self.cap = cap
    }

    /// Violations not stored because of the cap.
    public var unstored: Int { total - violations.count }
    public var isClean: Bool { total == 0 }

    /// True while another violation would still be stored in full.
    @inline(__always) var wantsDetail: Bool { violations.count < cap }

    mutating func record(_ v: Violation) {
        total += 1
        counts[Count(kind: v.kind, column: v.column), default: 0] += 1
        if violations.count < cap { violations.append(v) }
    }

    /// Counts violations without storing them (past the cap).
    mutating func count(_ kind: Violation.Kind, column: String, _ n: Int) {
        guard n > 0 else { return }
        total += n
        counts[Count(kind: kind, column: column), default: 0] += n
    }
}
