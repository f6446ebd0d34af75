import ArgumentParser
import CLISupport
import Foundation
import HTTPService
import Logging
import MCPServer

/// `casparian-mcp`: the MCP server. `casparian mcp` execs it with the same
/// arguments; it can also be registered directly.
@main
struct CasparianMCP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casparian-mcp", abstract: MCPServeOptions.abstract, discussion: MCPServeOptions.discussion,
        version: CasparianVersion.current)

    @OptionGroup var options: MCPServeOptions

    static func main() async {
        await CommandMain.run(root: CasparianMCP.self, arguments: Array(CommandLine.arguments.dropFirst()))
    }

    func run() async throws {
        var logger = Logger(label: "casparian.mcp") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: options.logLevel) ?? .info
        let configuration = ServerConfiguration(
            roots: options.roots, pluginsDirectory: options.plugins, workspaceDirectory: options.workspace,
            python: options.python.python, waitBudget: .seconds(options.wait),
            workers: options.jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let server = CasparianMCPServer(environment: try ServerEnvironment(configuration: configuration, logger: logger))
        if let addr = options.addr {
            let limits = HTTPLimits(
                requestTimeout: .milliseconds(Int(options.httpRequestTimeout * 1000)),
                idleTimeout: .milliseconds(Int(options.httpIdleTimeout * 1000)),
                maxConnections: options.httpMaxConnections, sessionIdleTimeout: .milliseconds(Int(options.sessionTimeout * 1000)))
            let http = try HTTPServing.Options(
                address: addr, tokenVariable: options.tokenEnv, allowedOrigins: options.allowOrigins,
                limits: limits)
            try await HTTPServing.serve(server, options: http, version: CasparianVersion.current, logger: logger)
        } else {
            try await StdioServing.serve(server, version: CasparianVersion.current, logger: logger)
        }
    }
}
