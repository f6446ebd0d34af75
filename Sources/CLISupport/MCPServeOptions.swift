import ArgumentParser
import Foundation
import Logging

/// The options of `casparian mcp`, parsed twice: by `casparian` (for help
/// and validation) and by `casparian-mcp`, the binary it becomes.
public struct MCPServeOptions: ParsableArguments {
    public init() {}

    @Option(name: .customLong("root"), help: "A folder tools may read (repeatable; default: the current directory).")
    public var roots: [String] = []

    @Option(help: "The plugins folder (default: plugins/ next to .casparian/).")
    public var plugins: String?

    @Option(help: "The folder holding .casparian/ (default: found from the current directory, else created here).")
    public var workspace: String?

    @Option(help: "Serve Streamable HTTP on HOST:PORT instead of stdio (e.g. 127.0.0.1:8765).")
    public var addr: String?

    @Option(name: .customLong("token-env"), help: "Environment variable holding the bearer token HTTP clients must send.")
    public var tokenEnv: String?

    @Option(name: .customLong("allow-origin"), help: "An extra browser Origin allowed over HTTP (repeatable).")
    public var allowOrigins: [String] = []

    @Option(name: .customLong("wait"), help: "Seconds a long tool waits before returning a run_id to poll.")
    public var wait: Int = 25

    @Option(help: "Worker processes at most (default: one per core).")
    public var jobs: Int?

    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error.")
    public var logLevel: String = "info"

    @OptionGroup public var python: PythonOptions

    public func validate() throws {
        guard wait >= 0 else { throw ValidationError("--wait must be 0 or more seconds") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level takes trace, debug, info, notice, warning, error or critical (got \(logLevel))")
        }
    }

    /// What `casparian mcp` says about itself (also `casparian-mcp --help`).
    public static let discussion = """
        stdio: stdout carries only MCP messages, logs go to stderr, and closing stdin stops the \
        server and its workers. Tools see only paths under the --root folders (default: the \
        current directory).

        Streamable HTTP: --addr HOST:PORT serves http://HOST:PORT/mcp instead. It binds to \
        loopback unless told otherwise, refuses browser Origins other than the server's own and \
        --allow-origin, and beyond loopback requires `Authorization: Bearer TOKEN`, where TOKEN \
        is read from the environment variable named by --token-env (never from the command line).

        Register with Claude Code:  claude mcp add casparian -- casparian mcp --root .
        """
    public static let abstract = "Serve Casparian's tools over MCP (stdio by default) for Claude Code and other clients."
}
