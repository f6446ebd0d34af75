import Foundation
import MCP

/// Who may talk to the HTTP endpoint: DNS-rebinding protection (`Host` and
/// `Origin` must name this server, or an `--allow-origin`), and a bearer
/// token, required when the server listens beyond loopback.
public struct HTTPAccessPolicy: Sendable {
    public var host: String
    public var port: Int
    public var token: String?
    public var extraOrigins: [String]

    public var isLoopback: Bool { Self.isLoopback(host) }

    static func isLoopback(_ host: String) -> Bool {
        ["127.0.0.1", "::1", "localhost", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    /// Host names a loopback server answers to.
    var loopbackNames: [String] { ["127.0.0.1", "localhost", "[::1]"] }

    /// nil when the request may pass; an error response otherwise.
    public func check(_ request: HTTPRequest) -> HTTPResponse? {
        if let hostHeader = request.header(HTTPHeaderName.host), isLoopback {
            let allowed = loopbackNames.map { "\($0):\(port)" } + [hostForURL + ":\(port)"]
            if !allowed.contains(hostHeader.lowercased()) {
                return .error(statusCode: 421, .invalidRequest("Misdirected request: Host \(hostHeader) is not this server"))
            }
        }
        if let origin = request.header(HTTPHeaderName.origin) {
            var allowed = extraOrigins
            allowed += (isLoopback ? loopbackNames : [hostForURL]).map { "http://\($0):\(port)" }
            if !allowed.contains(origin) {
                return .error(
                    statusCode: 403,
                    .invalidRequest(
                        "Forbidden: Origin \(origin) is not allowed (start the server with --allow-origin \(origin) to allow it)"))
            }
        }
        if let token {
            let sent = request.header(HTTPHeaderName.authorization) ?? ""
            guard sent.hasPrefix("Bearer "), Self.constantTimeEqual(String(sent.dropFirst(7)), token) else {
                return .error(
                    statusCode: 401, .invalidRequest("Unauthorized: send Authorization: Bearer TOKEN"),
                    extraHeaders: [HTTPHeaderName.wwwAuthenticate: "Bearer realm=\"casparian\""])
            }
        }
        return nil
    }

    var hostForURL: String { host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var diff = x.count ^ y.count
        for i in 0..<max(x.count, y.count) {
            diff |= Int((i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0))
        }
        return diff == 0
    }
}
