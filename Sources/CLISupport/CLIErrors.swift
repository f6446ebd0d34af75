import ArgumentParser
import CasparianCore
import Foundation
import WireProtocol

/// Maps errors to messages on stderr and documented exit codes:
/// 1 a check failed, 2 usage/configuration, 3 internal.
public enum CLIErrors {
    public static func guarding(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            throw report(error)
        }
    }

    /// Prints a Casparian error or plugin failure and returns the exit code
    /// to throw; any other error is returned unchanged.
    public static func report(_ error: Error) -> Error {
        if let e = error as? CasparianError {
            Output.error(Style.red("error: ") + e.message)
            if let hint = e.hint { Output.error(Style.dim("hint: ") + hint) }
            return ExitCode(exitCode(for: e.kind))
        }
        if let f = error as? PluginFailure {
            Output.error(Style.red("error: ") + f.summary)
            if let tb = f.traceback, !tb.isEmpty { Output.error(tb) }
            if !f.stderrTail.isEmpty { Output.error("last lines of the worker's stderr:\n" + f.stderrTail.joined(separator: "\n")) }
            return ExitCode(1)
        }
        return error
    }

    public static func exitCode(for kind: CasparianError.Kind) -> Int32 {
        switch kind {
        case .usage, .notFound, .permissionDenied, .environment, .conflict: return 2
        case .plugin, .data: return 1
        case .internal: return 3
        }
    }
}

extension CLIErrors {
    /// `guarding` for a command run with `--json`: an error is also printed
    /// to stdout as `{"error": {"kind", "message", "hint", "exit_code"}}`,
    /// so a script reading the JSON learns why there is no report.
    public static func guarding(json: Bool, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            if json { printJSONError(error) }
            throw report(error)
        }
    }

    /// `guarding(json:)` for synchronous commands.
    public static func guardingSync(json: Bool, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            if json { printJSONError(error) }
            throw report(error)
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

    static func printJSONError(_ error: Error) {
        let detail: JSONError.Detail
        switch error {
        case is ExitCode, is CancellationError: return  // the command printed its own report, or was stopped
        case let e as CasparianError:
            detail = .init(kind: e.kind.rawValue, message: e.message, hint: e.hint, exitCode: exitCode(for: e.kind))
        case let f as PluginFailure:
            detail = .init(kind: "plugin", message: f.summary, hint: nil, exitCode: 1)
        default:
            detail = .init(kind: "internal", message: "\(error)", hint: nil, exitCode: 1)
        }
        try? Output.printJSON(JSONError(error: detail))
    }

    /// `guarding` for synchronous commands.
    public static func guardingSync(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            throw report(error)
        }
    }
}
