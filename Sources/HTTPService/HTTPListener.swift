import CasparianCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A local HTTP/1 server: binds an address, keeps idle and half-sent
/// connections from piling up (`HTTPLimits`), and hands every whole request
/// to a `ServiceHandler`. `casparian mcp --addr` and `casparian lab` serve
/// through it.
public final class HTTPListener: Sendable {
    /// Where to listen and who may connect.
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        public var token: String?
        public var allowedOrigins: [String]
        /// Limits on connections; see `HTTPLimits`.
        public var limits: HTTPLimits

        /// Parses `HOST:PORT` (`[::1]:PORT` for IPv6) and reads the token from
        /// the environment variable `tokenVariable`. Listening beyond loopback
        /// without a token is refused.
        public init(
            address: String, tokenVariable: String?, allowedOrigins: [String] = [], limits: HTTPLimits = HTTPLimits(),
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
                    hint: "export A_TOKEN=… and pass --token-env A_TOKEN, or bind to 127.0.0.1")
            }
        }
    }

    /// The port bound (the one asked for, or the kernel's pick for port 0).
    public let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    private init(port: Int, channel: any Channel, group: MultiThreadedEventLoopGroup) {
        self.port = port
        self.channel = channel
        self.group = group
    }

    /// Binds `options`' address and serves `handler` until `close()`.
    public static func start(options: Options, logger: Logger, handler: @escaping ServiceHandler) async throws -> HTTPListener {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let limits = options.limits
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
                .flatMap { channel.pipeline.addHandler(HTTPChannelHandler(handler: handler)) }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: options.host, port: options.port).get()
        } catch {
            try? await group.shutdownGracefully()
            if let io = error as? IOError, io.errnoCode == EADDRINUSE {
                throw CasparianError(
                    .environment, "cannot listen on \(options.host):\(options.port): the port is in use (another server holds it)",
                    hint: "pick another port, or port 0 for any free one (--addr \(options.host):0)")
            }
            throw CasparianError(
                .environment, "cannot listen on \(options.host):\(options.port): \(error)",
                hint: "pick a free port (or 0 for any), or an address of this machine")
        }
        return HTTPListener(port: channel.localAddress?.port ?? options.port, channel: channel, group: group)
    }

    /// Returns when the server stops (`close()`).
    public func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }

    /// Stops listening and releases the event loop.
    public func close() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}
