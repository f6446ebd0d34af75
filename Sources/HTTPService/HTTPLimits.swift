/// How long and how many: what keeps idle or half-sent HTTP connections and
/// abandoned sessions from piling up (file descriptors, memory).
public struct HTTPLimits: Sendable {
    /// A request's head and body must arrive within this of its first byte.
    public var requestTimeout: Duration
    /// A connection with no request in progress is closed after this.
    public var idleTimeout: Duration
    /// Connections open at once; more are closed when accepted.
    public var maxConnections: Int
    /// A session with no request for this long is ended (its id then gets 404).
    public var sessionIdleTimeout: Duration

    public init(
        requestTimeout: Duration = .seconds(30), idleTimeout: Duration = .seconds(120), maxConnections: Int = 256,
        sessionIdleTimeout: Duration = .seconds(3600)
    ) {
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.sessionIdleTimeout = sessionIdleTimeout
    }
}
