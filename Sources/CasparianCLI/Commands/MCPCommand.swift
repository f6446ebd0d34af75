import ArgumentParser
import CLISupport
import Foundation

/// `casparian mcp`: becomes `casparian-mcp` (exec, same process), the
/// binary that holds the MCP server. Keeping the MCP SDK, SwiftNIO and
/// Foundation's networking (libcurl and ~30 libraries) out of `casparian`
/// makes every other command start ~9 ms sooner.
struct MCPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp", abstract: MCPServeOptions.abstract, discussion: MCPServeOptions.discussion)

    @OptionGroup var options: MCPServeOptions

    static let binaryName = "casparian-mcp"

    func run() throws {
        try ExecSibling.exec(binaryName: Self.binaryName, override: "CASPARIAN_MCP_BINARY", subcommand: "mcp", what: "the MCP server")
    }
}
