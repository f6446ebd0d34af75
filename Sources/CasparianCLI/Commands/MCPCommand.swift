import ArgumentParser
import CasparianCore
import Foundation
import Logging
import MCPServer

struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve Casparian's tools over MCP (stdio by default) for Claude Code and other clients.",
        discussion: """
            stdio: stdout carries only MCP messages, logs go to stderr, and closing stdin stops the \
            server and its workers. Tools see only paths under the --root folders (default: the \
            current directory).

            Streamable HTTP: --addr HOST:PORT serves http://HOST:PORT/mcp instead. It binds to \
            loopback unless told otherwise, refuses browser Origins other than the server's own and \
            --allow-origin, and beyond loopback requires `Authorization: Bearer TOKEN`, where TOKEN \
            is read from the environment variable named by --token-env (never from the command line).

            Register with Claude Code:  claude mcp add casparian -- casparian mcp --root .
            """)

    @Option(name: .customLong("root"), help: "A folder tools may read (repeatable; default: the current directory).")
    var roots: [String] = []

    @Option(help: "The plugins folder (default: plugins/ next to .casparian/).")
    var plugins: String?

    @Option(help: "The folder holding .casparian/ (default: found from the current directory, else created here).")
    var workspace: String?

    @Option(help: "Serve Streamable HTTP on HOST:PORT instead of stdio (e.g. 127.0.0.1:8765).")
    var addr: String?

    @Option(name: .customLong("token-env"), help: "Environment variable holding the bearer token HTTP clients must send.")
    var tokenEnv: String?

    @Option(name: .customLong("allow-origin"), help: "An extra browser Origin allowed over HTTP (repeatable).")
    var allowOrigins: [String] = []

    @Option(name: .customLong("wait"), help: "Seconds a long tool waits before returning a run_id to poll.")
    var wait: Int = 25

    @Option(help: "Worker processes at most (default: one per core).")
    var jobs: Int?

    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    @OptionGroup var python: PythonOptions

    func validate() throws {
        guard wait >= 0 else { throw ValidationError("--wait must be 0 or more seconds") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level takes trace, debug, info, notice, warning, error or critical (got \(logLevel))")
        }
    }

    func run() async throws {
        try await CLIErrors.guarding {
            var logger = Logger(label: "casparian.mcp") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            let configuration = ServerConfiguration(
                roots: roots, pluginsDirectory: plugins, workspaceDirectory: workspace, python: python.python,
                waitBudget: .seconds(wait), workers: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
            let server = CasparianMCPServer(environment: try ServerEnvironment(configuration: configuration, logger: logger))
            if let addr {
                let http = try HTTPServing.Options(address: addr, tokenVariable: tokenEnv, allowedOrigins: allowOrigins)
                try await HTTPServing.serve(server, options: http, version: Casparian.version, logger: logger)
            } else {
                try await StdioServing.serve(server, version: Casparian.version, logger: logger)
            }
        }
    }
}
