import Foundation

/// Everything the CLI prints goes through here: results to stdout,
/// messages to stderr.
public enum Output {
    public static func line(_ s: String) {
        FileHandle.standardOutput.write(Data((s + "\n").utf8))
    }

    public static func error(_ s: String) {
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    public static func printJSON<T: Encodable>(_ value: T) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .iso8601
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
        line(String(decoding: try e.encode(value), as: UTF8.self))
    }
}

/// ANSI styling that respects NO_COLOR and non-terminal output.
public enum Style {
    public static let enabled: Bool = {
        let env = ProcessInfo.processInfo.environment
        if env["NO_COLOR"].map({ !$0.isEmpty }) ?? false { return false }
        if env["TERM"] == "dumb" { return false }
        return isatty(1) == 1 && isatty(2) == 1
    }()
    public static func wrap(_ s: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    public static func bold(_ s: String) -> String { wrap(s, "1") }
    public static func dim(_ s: String) -> String { wrap(s, "2") }
    public static func red(_ s: String) -> String { wrap(s, "31") }
    public static func green(_ s: String) -> String { wrap(s, "32") }
    public static func yellow(_ s: String) -> String { wrap(s, "33") }
}
