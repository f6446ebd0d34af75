import CasparianCore
import Foundation
import HTTPService
import Logging
import MCP

/// Serves MCP over Streamable HTTP at `http://HOST:PORT/mcp`, through the
/// shared `HTTPListener`.
public enum HTTPServing {
    /// Where to listen, who may connect, and the limits (`HTTPListener.Options`).
    public typealias Options = HTTPListener.Options

    public static func serve(_ mcp: CasparianMCPServer, options: Options, version: String, logger: Logger) async throws {
        let policy = HTTPAccessPolicy(
            host: options.host, port: options.port, token: options.token, extraOrigins: options.allowedOrigins,
            originHint: "start the server with --allow-origin {origin} to allow it")
        let limits = options.limits
        let router = HTTPSessionRouter(mcp: mcp, policy: policy, version: version, logger: logger)
        let listener = try await HTTPListener.start(options: options, logger: logger) { request in
            await respond(to: request, router: router)
        }
        let bound = listener.port
        // The test harness and users read the actual port from this line (for --addr HOST:0).
        logger.notice("casparian mcp listening on http://\(policy.hostForURL):\(bound)/mcp")
        FileHandle.standardError.write(Data("casparian mcp listening on http://\(policy.hostForURL):\(bound)/mcp\n".utf8))
        if bound != options.port {
            // Host/Origin checks need the real port.
            await router.setPort(bound)
        }
        let expiry = Task {
            let every = max(Duration.milliseconds(250), min(limits.sessionIdleTimeout / 4, .seconds(60)))
            while !Task.isCancelled {
                try? await Task.sleep(for: every)
                await router.expireSessions(idleFor: limits.sessionIdleTimeout)
            }
        }
        try await listener.waitUntilClosed()
        expiry.cancel()
        await router.closeAll()
        await mcp.environment.shutdown()
        await listener.close()
    }

    /// The SDK's request and response types around the router.
    static func respond(to request: ServiceRequest, router: HTTPSessionRouter) async -> ServiceResponse {
        let sdkRequest = HTTPRequest(method: request.method, headers: request.headers, body: request.body, path: request.path)
        let response = await router.handle(sdkRequest)
        if case .stream(let stream, _) = response {
            return ServiceResponse(status: response.statusCode, headers: response.headers, body: .stream(stream))
        }
        return ServiceResponse(status: response.statusCode, headers: response.headers, body: .data(response.bodyData))
    }
}
