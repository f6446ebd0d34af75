import ArgumentParser
import CLISupport
import CasparianCore
import Foundation
import PluginHost

#if canImport(Glibc)
    import Glibc
#endif

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
        let binary = WorkerEnvironment.siblingExecutable(named: Self.binaryName, override: "CASPARIAN_MCP_BINARY")
        // The arguments exactly as given after `mcp` (already validated here).
        let rest = CommandLine.arguments.dropFirst().drop(while: { $0 != "mcp" }).dropFirst()
        let argv = ([binary] + rest).map { strdup($0) } + [nil]
        execv(binary, argv)
        let reason = String(cString: strerror(errno))
        throw CasparianError(
            .environment, "could not start the MCP server \(binary): \(reason)",
            hint:
                "casparian-mcp is built beside casparian (`make build` or `make release`) and must stay next to it; or set CASPARIAN_MCP_BINARY to its path"
        )
    }
}
