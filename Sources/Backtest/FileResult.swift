import WireProtocol

/// Why a file failed a backtest: the plugin runtime's taxonomy plus the
/// contract's violation kinds.
public enum FailureCategory: String, Codable, Sendable, CaseIterable, Comparable {
    case typeMismatch = "type_mismatch"
    case nullNotAllowed = "null_not_allowed"
    case formatMismatch = "format_mismatch"
    case missingColumn = "missing_column"
    case extraColumn = "extra_column"
    case pluginError = "plugin_error"
    case crash
    case exit
    case timeout
    case memory
    case badOutput = "bad_output"

    public init(_ c: PluginFailure.Category) {
        switch c {
        case .pluginError: self = .pluginError
        case .crash: self = .crash
        case .exit: self = .exit
        case .timeout: self = .timeout
        case .memory: self = .memory
        case .badOutput: self = .badOutput
        }
    }

    public static func < (a: FailureCategory, b: FailureCategory) -> Bool { a.rawValue < b.rawValue }
}

/// One problem found in a file: a contract violation or the plugin's failure.
public struct FileProblem: Codable, Sendable, Equatable {
    public var category: FailureCategory
    public var message: String
    public var output: String?
    public var column: String?
    /// 1-based row within the file's output.
    public var row: Int?
    public var expected: String?
    public var got: String?

    public init(
        category: FailureCategory, message: String, output: String? = nil, column: String? = nil,
        row: Int? = nil, expected: String? = nil, got: String? = nil
    ) {
        self.category = category
        self.message = message
        self.output = output
        self.column = column
        self.row = row
        self.expected = expected
        self.got = got
    }
}

extension FileProblem {
    /// A value (or column) that breaks what the judge expects. The message
    /// names no file or row: it is the cluster key across files.
    static func mismatch(
        _ category: FailureCategory, output: String, column: String, row: Int?, expected: String,
        got: String, shown: String
    ) -> FileProblem {
        FileProblem(
            category: category, message: "\(category.rawValue) in column \(column) of \(output): expected \(expected), got \(shown)",
            output: output, column: column, row: row, expected: expected, got: got)
    }

    /// An output the judge (`notIn`: "contract v3 of sales") does not know.
    static func unknownOutput(_ output: String, rows: Int, notIn judge: String, known: [String]) -> FileProblem {
        FileProblem(
            category: .extraColumn, message: "output '\(output)' (\(rows) rows) is not in \(judge)",
            output: output, expected: known.joined(separator: ", "), got: output)
    }
}

/// The verdict on one file.
public struct FileResult: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case passed, failed
    }
    /// Where the file stood before this run, which decided its place in the order.
    public enum Prior: String, Codable, Sendable {
        case failing, resolved, new, passing
    }

    public var path: String
    public var status: Status
    public var prior: Prior
    /// The main category when failed (the plugin's failure, else the most frequent violation).
    public var category: FailureCategory?
    public var message: String?
    public var problems: [FileProblem]
    /// Problems beyond `problems` that were counted but not kept.
    public var moreProblems: Int
    public var rows: Int
    public var durationMilliseconds: Int
    /// For plugin errors: the traceback, for the author.
    public var traceback: String?
    public var pluginLine: Int?
    /// Tries of the file when transient failures made the pool retry it (nil: one).
    public var attempts: Int?
    /// The failures of the earlier tries, oldest first.
    public var earlierAttempts: [String]?

    public init(
        path: String, status: Status, prior: Prior, category: FailureCategory? = nil, message: String? = nil,
        problems: [FileProblem] = [], moreProblems: Int = 0, rows: Int = 0, durationMilliseconds: Int = 0,
        traceback: String? = nil, pluginLine: Int? = nil
    ) {
        self.path = path
        self.status = status
        self.prior = prior
        self.category = category
        self.message = message
        self.problems = problems
        self.moreProblems = moreProblems
        self.rows = rows
        self.durationMilliseconds = durationMilliseconds
        self.traceback = traceback
        self.pluginLine = pluginLine
    }
}
