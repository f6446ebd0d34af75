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

    @Option(name: .customLong("http-request-timeout"), help: "HTTP: seconds a request's head and body may take to arrive.")
    public var httpRequestTimeout: Double = 30

    @Option(name: .customLong("http-idle-timeout"), help: "HTTP: seconds a connection may stay open with no request in progress.")
    public var httpIdleTimeout: Double = 120

    @Option(name: .customLong("http-max-connections"), help: "HTTP: connections open at once; more are closed on accept.")
    public var httpMaxConnections: Int = 256

    @Option(name: .customLong("session-timeout"), help: "HTTP: seconds an MCP session may go without a request before it ends.")
    public var sessionTimeout: Double = 3600

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
        for (name, value) in [
            ("--http-request-timeout", httpRequestTimeout), ("--http-idle-timeout", httpIdleTimeout),
            ("--session-timeout", sessionTimeout),
        ] where !(value > 0) {
            throw ValidationError("\(name) must be more than 0 seconds (got \(value))")
        }
        guard httpMaxConnections >= 1 else { throw ValidationError("--http-max-connections must be at least 1") }
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
        is read from the environment variable named by --token-env (never from the command line). \
        A connection must send a whole request within --http-request-timeout of its first byte \
        (default 30 s) and is closed after --http-idle-timeout without one (default 120 s); at \
        most --http-max-connections are open at once (default 256); a session with no request \
        for --session-timeout ends (default 3600 s) and its id then gets 404.

        Register with Claude Code:  claude mcp add casparian -- casparian mcp --root .
        """
    public static let abstract = "Serve Casparian's tools over MCP (stdio by default) for Claude Code and other clients."
}
