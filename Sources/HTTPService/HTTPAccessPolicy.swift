import Foundation

/// Who may talk to a local HTTP server: DNS-rebinding protection (`Host` and
/// `Origin` must name this server, or an allowed extra origin), and a bearer
/// token, required when the server listens beyond loopback. The MCP endpoint
/// and the Parser Lab both check every request with it.
public struct HTTPAccessPolicy: Sendable {
    public var host: String
    public var port: Int
    public var token: String?
    public var extraOrigins: [String]
    /// Appended to the refusal of a foreign Origin: how to allow one, when
    /// the server can (`{origin}` stands for the refused origin).
    public var originHint: String?
    /// A cookie that may carry the token instead of `Authorization` (a
    /// browser sends no header of its own when it follows a link).
    public var tokenCookie: String?

    /// Why a request is refused: its HTTP status, a message for the client, extra headers.
    public struct Refusal: Sendable, Equatable {
        public var status: Int
        public var message: String
        public var headers: [String: String]
    }

    public init(
        host: String, port: Int, token: String?, extraOrigins: [String], originHint: String? = nil, tokenCookie: String? = nil
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.extraOrigins = extraOrigins
        self.originHint = originHint
        self.tokenCookie = tokenCookie
    }

    public var isLoopback: Bool { Self.isLoopback(host) }

    public static func isLoopback(_ host: String) -> Bool {
        ["127.0.0.1", "::1", "localhost", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    /// Host names a loopback server answers to.
    var loopbackNames: [String] { ["127.0.0.1", "localhost", "[::1]"] }

    /// The origins a browser page served by this server sends.
    public var ownOrigins: [String] { (isLoopback ? loopbackNames : [hostForURL]).map { "http://\($0):\(port)" } }

    /// nil when the request may pass; why it may not otherwise. `header`
    /// looks a request header up by name, case-insensitively.
    public func check(header: (String) -> String?) -> Refusal? {
        if let hostHeader = header("Host"), isLoopback {
            let allowed = loopbackNames.map { "\($0):\(port)" } + [hostForURL + ":\(port)"]
            if !allowed.contains(hostHeader.lowercased()) {
                return Refusal(status: 421, message: "Misdirected request: Host \(hostHeader) is not this server", headers: [:])
            }
        }
        // Beyond loopback the browser names the server as the user typed it (a
        // host name, an address): its own page's Origin is the Host it sent.
        // DNS rebinding gains nothing there: the token is still required.
        let sameHost = !isLoopback && token != nil ? header("Host").map { ["http://" + $0] } ?? [] : []
        if let origin = header("Origin"), !(extraOrigins + ownOrigins + sameHost).contains(origin) {
            return Refusal(
                status: 403,
                message: "Forbidden: Origin \(origin) is not allowed"
                    + (originHint.map { " (" + $0.replacingOccurrences(of: "{origin}", with: origin) + ")" } ?? ""),
                headers: [:])
        }
        if let token {
            let sent = header("Authorization") ?? ""
            let bearer = sent.hasPrefix("Bearer ") && Self.constantTimeEqual(String(sent.dropFirst(7)), token)
            let cookie = tokenCookie.flatMap { Self.cookie($0, in: header("Cookie")) }.map { Self.constantTimeEqual($0, token) } ?? false
            guard bearer || cookie else {
                return Refusal(
                    status: 401, message: "Unauthorized: send Authorization: Bearer TOKEN",
                    headers: ["WWW-Authenticate": "Bearer realm=\"casparian\""])
            }
        }
        return nil
    }

    /// The value of cookie `name` in a `Cookie` header.
    static func cookie(_ name: String, in header: String?) -> String? {
        for part in (header ?? "").split(separator: ";") {
            let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == name { return String(kv[1]) }
        }
        return nil
    }

    public var hostForURL: String { host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host }

    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var diff = x.count ^ y.count
        for i in 0..<max(x.count, y.count) {
            diff |= Int((i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0))
        }
        return diff == 0
    }
}
