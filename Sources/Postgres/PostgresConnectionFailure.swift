import CasparianCore

/// Why PQconnectdb failed, told as an error a user can act on: the server
/// cannot be reached, the login was refused, the database does not exist,
/// or the URL itself is malformed. libpq's message is kept (with every
/// password from the URL hidden) after the redacted URL.
struct PostgresConnectionFailure {
    var reason: String
    /// The passwords in the URL: hidden wherever libpq's message quotes them.
    var secrets: [String]
    var redactedURL: String
    /// libpq asked for a password and had none (PQconnectionNeedsPassword).
    var needsPassword: Bool

    enum Cause {
        case malformedURL
        case unreachable
        case loginRefused
        case missingDatabase
        case other
    }

    var cause: Cause {
        let text = reason.lowercased()
        func mentions(_ fragments: String...) -> Bool { fragments.contains { text.contains($0) } }
        if needsPassword
            || mentions(
                "password authentication failed", "no password supplied", "authentication failed", "pg_hba.conf", "role \"",
                "permission denied for database", "password is required")
        {
            return .loginRefused
        }
        if mentions("database \"") && mentions("does not exist") { return .missingDatabase }
        if mentions(
            "connection refused", "no such file or directory", "could not translate host name", "name or service not known",
            "temporary failure in name resolution", "timeout expired", "timed out", "network is unreachable", "no route to host",
            "the database system is starting up", "the database system is shutting down", "server closed the connection")
        {
            return .unreachable
        }
        if mentions(
            "invalid uri", "invalid connection option", "missing \"=\"", "unterminated quoted string", "invalid percent-encoded",
            "invalid integer value", "invalid port number", "invalid value for parameter", "unexpected spaces", "invalid sslmode",
            "end of string reached when looking for matching")
        {
            return .malformedURL
        }
        return .other
    }

    /// libpq's message on one line, passwords replaced by `***`.
    var shownReason: String {
        var text = reason.trimmingTrailingWhitespace
        for secret in secrets.sorted(by: { $0.count > $1.count }) { text = text.replacing(secret, with: "***") }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.drop(while: \.isWhitespace) }
        return lines.joined(separator: " ")
    }

    var error: CasparianError {
        let prefix = "could not connect to PostgreSQL at \(redactedURL)"
        switch cause {
        case .malformedURL:
            return CasparianError(
                .usage, "\(prefix): the connection string is malformed (\(shownReason))",
                hint: "write it as postgresql://user@host:port/database?param=value or as key=value pairs (host=… dbname=…)")
        case .unreachable:
            return CasparianError(
                .environment, "\(prefix): the server cannot be reached (\(shownReason))",
                hint:
                    "check the host and port (or socket folder) in the URL, and that the PostgreSQL server is running and accepts connections there"
            )
        case .loginRefused:
            return CasparianError(
                .permissionDenied, "\(prefix): the server refused the login (\(shownReason))",
                hint:
                    "check the user name and the password; the password may come from the URL, PGPASSWORD or ~/.pgpass (it is never shown), and the server's pg_hba.conf must let this user connect to this database"
            )
        case .missingDatabase:
            return CasparianError(
                .notFound, "\(prefix): the database does not exist (\(shownReason))",
                hint: "create it (createdb NAME, or CREATE DATABASE NAME as a user allowed to) or name an existing database in the URL")
        case .other:
            return CasparianError(
                .environment, "\(prefix): \(shownReason)",
                hint: "check the URL and the server's log")
        }
    }
}
