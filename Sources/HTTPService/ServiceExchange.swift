import Foundation

/// An HTTP request as a `ServiceHandler` sees it: the whole body read, the
/// query string split off the path.
public struct ServiceRequest: Sendable {
    public var method: String
    /// The path without its query string (`/api/files`).
    public var path: String
    /// The query string's parameters, percent-decoded (`+` is a space).
    public var query: [String: String]
    /// Headers by lower-cased name (repeated headers joined with ", ").
    public var headers: [String: String]
    public var body: Data?

    public init(method: String, target: String, headers: [String: String], body: Data?) {
        self.method = method.uppercased()
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = parts.first.map(String.init) ?? target
        query = parts.count > 1 ? Self.parseQuery(String(parts[1])) : [:]
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = lowered[name.lowercased()].map { $0 + ", " + value } ?? value }
        self.headers = lowered
        self.body = body
    }

    /// A header by name, case-insensitive.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    static func parseQuery(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            guard let key = kv.first.map(decode), !key.isEmpty else { continue }
            result[key] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return result
    }
}

/// An HTTP response: a whole body, or a stream of chunks (server-sent events).
public struct ServiceResponse: Sendable {
    public enum Body: Sendable {
        case data(Data?)
        case stream(AsyncThrowingStream<Data, any Error>)
    }

    public var status: Int
    public var headers: [String: String]
    public var body: Body

    public init(status: Int, headers: [String: String] = [:], body: Body = .data(nil)) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What answers the requests of an `HTTPListener`.
public typealias ServiceHandler = @Sendable (ServiceRequest) async -> ServiceResponse
