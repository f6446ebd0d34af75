import CasparianCore
import Foundation
import Logging
import MCP
import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves MCP over Streamable HTTP at `http://HOST:PORT/mcp`.
public enum HTTPServing {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var token: String?
        public var allowedOrigins: [String]
        /// Limits on connections and sessions; see `HTTPLimits`.
        public var limits: HTTPLimits

        /// Parses `HOST:PORT` (`[::1]:PORT` for IPv6) and reads the token from
        /// the environment variable `tokenVariable`. Listening beyond loopback
        /// without a token is refused.
        public init(
            address: String, tokenVariable: String?, allowedOrigins: [String], limits: HTTPLimits = HTTPLimits(),
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) throws {
            self.limits = limits
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
                (0...65535).contains(port)
            else {
                throw CasparianError(.usage, "--addr \(address) is not HOST:PORT", hint: "e.g. --addr 127.0.0.1:8765")
            }
            var host = String(address[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            if host.isEmpty { host = "127.0.0.1" }
            self.host = host
            self.port = port
            self.allowedOrigins = allowedOrigins
            if let name = tokenVariable {
                guard let value = environment[name], !value.isEmpty else {
                    throw CasparianError(
                        .usage, "--token-env \(name): the environment variable \(name) is not set or empty",
                        hint: "export \(name)=A_LONG_RANDOM_SECRET before starting the server")
                }
                token = value
            } else {
                token = nil
            }
            if !HTTPAccessPolicy.isLoopback(host), token == nil {
                throw CasparianError(
                    .usage, "listening on \(host) (beyond loopback) needs a bearer token",
                    hint: "export MCP_TOKEN=… and pass --token-env MCP_TOKEN, or bind to 127.0.0.1")
            }
        }
    }

    public static func serve(_ mcp: CasparianMCPServer, options: Options, version: String, logger: Logger) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let policy = HTTPAccessPolicy(host: options.host, port: options.port, token: options.token, extraOrigins: options.allowedOrigins)
        let limits = options.limits
        let router = HTTPSessionRouter(mcp: mcp, policy: policy, version: version, logger: logger)
        let connections = ConnectionLimit(limit: limits.maxConnections)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard connections.acquire() else {
                    logger.notice("refused a connection: \(limits.maxConnections) are open (--http-max-connections)")
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in connections.release() }
                return channel.pipeline.addHandler(
                    ConnectionDeadline(idle: .init(limits.idleTimeout), request: .init(limits.requestTimeout))
                )
                .flatMap { channel.pipeline.configureHTTPServerPipeline() }
                .flatMap { channel.pipeline.addHandler(HTTPChannelHandler(router: router)) }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: options.host, port: options.port).get()
        } catch {
            throw CasparianError(
                .environment, "cannot listen on \(options.host):\(options.port): \(error)",
                hint: "pick a free port, or an address of this machine")
        }
        let bound = channel.localAddress?.port ?? options.port
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
        try await channel.closeFuture.get()
        expiry.cancel()
        await router.closeAll()
        await mcp.environment.shutdown()
        try await group.shutdownGracefully()
    }
}
