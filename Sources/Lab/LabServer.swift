import CasparianCore
import Foundation
import HTTPService
import Logging

/// The Parser Lab: a local web page over the workspace. Pages and assets
/// come from the binary; the page calls the JSON API under `/api/`. Every
/// request passes the Host/Origin/token policy `casparian mcp --addr` uses;
/// every POST (anything that changes something) must also carry the page's
/// token in `X-Casparian-Lab`, which a page of another site cannot read.
public enum LabServer {
    /// The header every POST carries: the token the page was served with.
    static let csrfHeader = "X-Casparian-Lab"
    /// The cookie that carries the bearer token for a browser beyond loopback.
    static let tokenCookie = "casparian_lab_token"

    /// Serves the Lab until the process is stopped. `onListening` gets the
    /// page's URL once the port is bound (printed, and opened with `--open`).
    public static func serve(
        environment: LabEnvironment, options: HTTPListener.Options, logger: Logger,
        onListening: @Sendable (URL) -> Void = { _ in }
    ) async throws {
        let router = LabRouter(
            environment: environment,
            policy: HTTPAccessPolicy(
                host: options.host, port: options.port, token: options.token, extraOrigins: [], tokenCookie: tokenCookie),
            csrfToken: randomToken())
        let listener = try await HTTPListener.start(options: options, logger: logger) { request in
            await router.respond(to: request)
        }
        router.setPort(listener.port)
        let url = URL(string: "http://\(router.policy.hostForURL):\(listener.port)/")!
        logger.info("casparian lab listening on \(url.absoluteString)")
        onListening(url)
        let stop = signalStream()
        let waiting = Task { try? await listener.waitUntilClosed() }
        _ = await stop.first { _ in true }
        logger.notice("casparian lab stopping")
        await environment.shutdown()
        await listener.close()
        await waiting.value
    }

    /// 32 random bytes as hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// SIGINT and SIGTERM as a stream, so the server can stop its runs and workers first.
    private static func signalStream() -> AsyncStream<Int32> {
        AsyncStream { continuation in
            let sources = SignalSources(
                [SIGINT, SIGTERM].map { sig in
                    signal(sig, SIG_IGN)
                    let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                    source.setEventHandler { continuation.yield(sig) }
                    source.resume()
                    return source
                })
            continuation.onTermination = { _ in sources.cancel() }
        }
    }
}

/// The signal sources of `LabServer.signalStream`, kept until the stream ends.
private final class SignalSources: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
    func cancel() { for source in sources { source.cancel() } }
}
