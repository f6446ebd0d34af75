import CLibPQ
import CasparianCore

#if canImport(Glibc)
    import Glibc
#endif

/// One connection to a PostgreSQL server, through libpq (loaded on first use).
///
/// Not thread-safe: one thread at a time uses a connection (it is `Sendable`
/// so it can move between them). Passwords come from the URL or from
/// libpq's usual sources (PGPASSWORD, ~/.pgpass, service files) and never
/// appear in an error: errors show `redactedURL`.
public final class PostgresConnection: @unchecked Sendable {
    let pq: UnsafePointer<CLibPQFunctions>
    /// The PGconn; nil once closed.
    private var handle: OpaquePointer?
    /// The connection string with any password replaced by `***`.
    public let redactedURL: String

    /// Connects with a libpq URL or conninfo (`postgresql://user@host:port/db?options=...`,
    /// `host=/tmp/sock dbname=x`).
    ///
    /// The client encoding is UTF-8 whatever the URL says; `connect_timeout`
    /// is 10 s unless the URL or PGCONNECT_TIMEOUT sets one. A failure is a
    /// `CasparianError` that tells an unreachable server, a refused login and
    /// a missing database apart, each with a hint.
    public init(url: String, applicationName: String = "casparian") throws {
        pq = try LibPQ.functions()
        let redaction = PostgresConnInfo.redacting(url)
        redactedURL = redaction.text
        // Settings before `dbname` are defaults the URL (expanded in its
        // place) overrides; those after it override the URL.
        var settings: [(String, String)] = [("fallback_application_name", applicationName)]
        if getenv("PGCONNECT_TIMEOUT") == nil { settings.append(("connect_timeout", "10")) }
        settings += [("dbname", url), ("client_encoding", "UTF8")]
        let connection = withCStrings(settings.map(\.0)) { keywords in
            withCStrings(settings.map(\.1)) { values in
                pq.pointee.connectdbParams(keywords + [nil], values + [nil], 1)
            }
        }
        // A NULL connection (out of memory) has status CONNECTION_BAD too.
        guard pq.pointee.status(connection) == CONNECTION_OK, let connection else {
            let reason = String(cString: pq.pointee.errorMessage(connection))
            let needsPassword = pq.pointee.connectionNeedsPassword(connection) != 0
            pq.pointee.finish(connection)
            throw PostgresConnectionFailure(
                reason: reason, secrets: redaction.secrets, redactedURL: redaction.text, needsPassword: needsPassword
            ).error
        }
        // libpq prints notices (`table … does not exist, skipping`) on
        // stderr by default; a library stays quiet.
        _ = pq.pointee.setNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    deinit { close() }

    /// Ends the session. Later calls do nothing; statements after it throw.
    public func close() {
        guard let handle else { return }
        pq.pointee.finish(handle)
        self.handle = nil
    }

    /// The server's version as a number: 150018 for 15.18 (PQserverVersion).
    public var serverVersion: Int {
        guard let handle else { return 0 }
        return Int(pq.pointee.serverVersion(handle))
    }

    /// Whether a transaction is open, and whether it failed (then only
    /// ROLLBACK helps): for callers that must roll back after an error.
    public var transactionStatus: PostgresTransactionStatus {
        guard let handle else { return .unknown }
        return PostgresTransactionStatus(pq.pointee.transactionStatus(handle))
    }

    /// The open PGconn, or an error saying the connection was closed.
    func open() throws -> OpaquePointer {
        guard let handle else {
            throw CasparianError(.internal, "the PostgreSQL connection to \(redactedURL) was used after it was closed")
        }
        return handle
    }

    /// libpq's last message for this connection, without its newline.
    func connectionMessage(_ connection: OpaquePointer) -> String {
        let message = String(cString: pq.pointee.errorMessage(connection)).trimmingTrailingWhitespace
        return message.isEmpty ? "the connection to the server failed" : message
    }
}

/// Runs `body` with C copies of `strings` (nil stays NULL), freed afterwards.
func withCStrings<Result>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) throws -> Result) rethrows -> Result {
    let copies = strings.map { $0.map { UnsafePointer(strdup($0)!) } }
    defer { for copy in copies { free(UnsafeMutablePointer(mutating: copy)) } }
    return try body(copies)
}

extension String {
    var trimmingTrailingWhitespace: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
