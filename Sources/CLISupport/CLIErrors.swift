import ArgumentParser
import CasparianCore
import Foundation
import WireProtocol

/// The one mapping from an error a command throws to what the user sees and
/// the documented exit code: 1 a plugin or check failed, 2 usage or
/// configuration, 3 internal (any error Casparian does not describe itself,
/// a GRDB `DatabaseError` say). `CommandMain` applies it to every command.
public enum CLIErrors {
    /// Prints `error` on stderr (with `json`, also on stdout as
    /// `{"error": {"kind", "message", "hint", "exit_code"}}`) and returns
    /// the exit code.
    public static func report(_ error: Error, json: Bool = false) -> Int32 {
        let report = ErrorReport(error)
        if json && report.kind != ErrorReport.cancelled {
            try? Output.printJSON(
                JSONError(
                    error: .init(
                        kind: report.kind, message: report.message, hint: report.hint,
                        exitCode: report.exitCode)))
        }
        let prefix = report.kind == ErrorReport.internal ? "internal error: " : ""
        Output.error(Style.red("error: ") + prefix + report.message)
        if let hint = report.hint { Output.error(Style.dim("hint: ") + hint) }
        for detail in report.details { Output.error(detail) }
        return report.exitCode
    }

    public static func exitCode(for kind: CasparianError.Kind) -> Int32 {
        switch kind {
        case .usage, .notFound, .permissionDenied, .environment, .conflict: return 2
        case .plugin, .data: return 1
        case .internal: return 3
        }
    }

    struct JSONError: Encodable {
        struct Detail: Encodable {
            var kind: String
            var message: String
            var hint: String?
            var exitCode: Int32
        }
        var error: Detail
    }
}

/// What an error says to the user, and its exit code.
struct ErrorReport {
    static let `internal` = "internal"
    static let cancelled = "cancelled"

    var kind: String
    var message: String
    var hint: String?
    /// Lines for stderr only: a plugin's traceback, the worker's last stderr lines.
    var details: [String] = []
    var exitCode: Int32

    init(_ error: Error) {
        switch error {
        case let e as CasparianError:
            kind = e.kind.rawValue
            message = e.message
            hint = e.hint
            exitCode = CLIErrors.exitCode(for: e.kind)
        case let f as PluginFailure:
            kind = CasparianError.Kind.plugin.rawValue
            message = f.summary
            if let tb = f.traceback, !tb.isEmpty { details.append(tb) }
            if !f.stderrTail.isEmpty { details.append("last lines of the worker's stderr:\n" + f.stderrTail.joined(separator: "\n")) }
            exitCode = 1
        case is CancellationError:
            kind = Self.cancelled
            message = "cancelled"
            exitCode = 1
        default:
            kind = Self.internal
            message = String(describing: error)
            hint =
                "Casparian did not expect this error (\(String(reflecting: type(of: error)))); "
                + "please report it with the command that failed"
            exitCode = 3
        }
    }
}

/// A command whose `--json` also reports an error on stdout, so a script
/// reading its JSON learns why there is no report.
public protocol JSONErrorReporting {
    var json: Bool { get }
}
