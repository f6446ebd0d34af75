import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Casparian's version, shown by `--version` and sent to MCP clients.
public enum CasparianVersion {
    public static let current = "0.1.0"
}

/// Runs a command line the way every Casparian executable does: usage errors
/// exit with 2, as documented (swift-argument-parser's own default is 64),
/// and every other error a command throws goes through `CLIErrors.report`,
/// the one place that maps errors to messages and exit codes.
public enum CommandMain {
    /// Runs `parsed` if the caller already parsed the arguments, else parses
    /// `arguments` from `root`.
    public static func run(root: any ParsableCommand.Type, arguments: [String], parsed: (any ParsableCommand)? = nil) async {
        // A worker that died while idle (the OOM killer, an operator), or
        // whose plugin closed its command pipe, makes the next write to it
        // raise SIGPIPE, whose default action would end this host (exit
        // 141, an MCP server gone). Ignored, the write fails with EPIPE:
        // that file fails and the worker is replaced.
        signal(SIGPIPE, SIG_IGN)
        var command: any ParsableCommand
        do {
            command = try parsed ?? root.parseAsRoot(arguments)
        } catch {
            exitOnArgumentError(error, root: root)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error where isArgumentParserError(error) {
            exitOnArgumentError(error, root: root)
        } catch {
            exit(CLIErrors.report(error, json: (command as? JSONErrorReporting)?.json ?? false))
        }
    }

    /// swift-argument-parser's own errors, which it prints: a `ValidationError`,
    /// an `ExitCode` a command threw after printing its own report, and the
    /// help and version requests that `help` and `--help` turn into (their
    /// types are internal to it, hence the module name).
    static func isArgumentParserError(_ error: Error) -> Bool {
        error is ExitCode || error is CleanExit || error is ValidationError
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }

    /// Lets swift-argument-parser print its error and exit; usage errors
    /// exit with 2 (its own default is 64).
    static func exitOnArgumentError(_ error: Error, root: any ParsableCommand.Type) -> Never {
        if root.exitCode(for: error) == .validationFailure {
            FileHandle.standardError.write(Data((root.fullMessage(for: error) + "\n").utf8))
            exit(2)
        }
        root.exit(withError: error)
    }
}
