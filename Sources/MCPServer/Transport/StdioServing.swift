import CasparianCore
import Foundation
import Logging
import MCP

#if canImport(Glibc)
    import Glibc
#endif

/// Serves MCP over stdin/stdout until stdin closes.
///
/// stdout belongs to the protocol: the transport writes to a private
/// duplicate of the original fd 1 (close-on-exec, so no child inherits it)
/// and fd 1 itself is pointed at stderr, so nothing else this process or a
/// child prints can corrupt the stream. Workers get their own pipes and
/// `/dev/null` as stdin. The transport (`StdioMessageTransport`) writes
/// each reply whole, one at a time, and reads requests of up to 8 MiB.
public enum StdioServing {
    public static func serve(_ mcp: CasparianMCPServer, version: String, logger: Logger) async throws {
        let protocolFD = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)
        guard protocolFD >= 0 else {
            throw CasparianError(.environment, "cannot duplicate stdout (errno \(errno))", hint: "run casparian mcp with a writable stdout")
        }
        fflush(nil)
        guard dup2(STDERR_FILENO, STDOUT_FILENO) >= 0 else {
            throw CasparianError(.environment, "cannot point stdout at stderr (errno \(errno))")
        }
        let transport = StdioMessageTransport(input: STDIN_FILENO, output: protocolFD, logger: logger)
        let server = try await mcp.startServer(version: version, transport: transport)
        logger.info("casparian mcp serving on stdio; workspace \(mcp.environment.workspace.root.path)")
        await server.waitUntilCompleted()
        logger.info("stdin closed: stopping runs and workers")
        await mcp.environment.shutdown()
        await server.stop()
    }
}
