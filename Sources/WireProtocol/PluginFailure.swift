/// Why a file could not be parsed, in the failure taxonomy every report uses.
public struct PluginFailure: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Category: String, Codable, Sendable, CaseIterable {
        /// The plugin raised (or failed to load): type, message, traceback.
        case pluginError = "plugin_error"
        /// The worker died from a signal (segfault, abort, SIGKILL).
        case crash
        /// The worker exited (`os._exit`, `sys.exit`).
        case exit
        /// The per-file deadline passed.
        case timeout
        /// The worker ran out of its memory limit.
        case memory
        /// The plugin produced something that is not a row or a supported value.
        case badOutput = "bad_output"
    }

    public var category: Category
    public var message: String
    /// Python exception type, e.g. `ValueError`.
    public var errorType: String?
    public var traceback: String?
    /// The plugin source file and line the failure points at.
    public var pluginFile: String?
    public var line: Int?
    /// For `bad_output`: which output, column and 1-based row.
    public var output: String?
    public var column: String?
    public var row: Int?
    public var signal: Int32?
    public var exitCode: Int32?
    /// The last lines the worker wrote to stderr (the plugin's prints too).
    public var stderrTail: [String]
    /// How many times the file was tried (more than 1 after transient failures).
    public var attempts = 1
    /// The failures of the earlier attempts, oldest first.
    public var earlierAttempts: [String] = []

    public init(
        category: Category, message: String, errorType: String? = nil, traceback: String? = nil,
        pluginFile: String? = nil, line: Int? = nil, output: String? = nil, column: String? = nil,
        row: Int? = nil, signal: Int32? = nil, exitCode: Int32? = nil, stderrTail: [String] = []
    ) {
        self.category = category
        self.message = message
        self.errorType = errorType
        self.traceback = traceback
        self.pluginFile = pluginFile
        self.line = line
        self.output = output
        self.column = column
        self.row = row
        self.signal = signal
        self.exitCode = exitCode
        self.stderrTail = stderrTail
    }

    /// Whether trying the file again on a fresh worker may well succeed: the
    /// worker was killed by someone else (SIGKILL — the kernel's OOM killer,
    /// an operator), or the file ran out of time (on an overloaded machine).
    /// Crashes of the plugin itself (segfaults, aborts), exits, exceptions and
    /// our own memory limit are not: they come back the same way.
    public var isTransient: Bool {
        switch category {
        case .timeout: return true
        case .crash: return signal == 9
        case .pluginError, .exit, .memory, .badOutput: return false
        }
    }

    /// Whether this failure is final after transient retries ran out.
    public var exhaustedRetries: Bool { attempts > 1 && isTransient }

    /// One line: category, location and message.
    public var summary: String { "\(category.rawValue): \(detail)" }

    /// The summary without the category, for reports that show the category
    /// in a field of its own.
    public var detail: String {
        var s = errorType.map { "\($0): " } ?? ""
        s += message
        if let pluginFile, let line { s += " (\(pluginFile):\(line))" }
        if attempts > 1 { s += " (after \(attempts) attempts)" }
        return s
    }

    public var description: String {
        var s = summary
        if let traceback, !traceback.isEmpty { s += "\n" + traceback }
        return s
    }
}
