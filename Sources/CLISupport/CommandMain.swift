#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation

/// Casparian's version, shown by `--version` and sent to MCP clients.
public enum CasparianVersion {
    public static let current = "0.1.0"
}

/// Runs a command line the way every Casparian executable does: usage errors
/// exit with 2, as documented (swift-argument-parser's own default is 64).
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
        do {
            var command = try parsed ?? root.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = root.exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((root.fullMessage(for: error) + "\n").utf8))
                exit(2)
            }
            root.exit(withError: error)
        }
    }
}
