import CasparianCore
import Foundation
import Postgres

/// Which target execute writes to, as a user names it: `sqlite` (the
/// workspace's `.casparian/output.sqlite`, the default), `parquet:DIR` (a
/// folder of Parquet datasets, one per table) or a PostgreSQL URL
/// (`postgresql://user@host:port/db?options=-csearch_path%3Dschema`).
///
/// A password in the URL is used to connect and nothing else: `description`
/// shows it as `***`, and the spec is encoded (into the catalog, with a
/// job) without it, so a resumed job takes its password from libpq's usual
/// sources (`PGPASSWORD`, `~/.pgpass`, a service file).
public struct OutputTargetSpec: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case sqlite
        case parquet
        case postgresql
    }

    public var kind: Kind
    /// Empty for SQLite, the dataset folder's absolute path for Parquet,
    /// the connection URL for PostgreSQL.
    public var location: String
    /// PostgreSQL only: the schema the tables live in (nil: the URL's
    /// `search_path`, else `public`).
    public var schema: String?

    public static let sqlite = OutputTargetSpec(kind: .sqlite, location: "", schema: nil)

    public init(kind: Kind, location: String, schema: String?) {
        self.kind = kind
        self.location = location
        self.schema = schema
    }

    /// Parses what a user typed. `relativeTo` resolves a relative Parquet
    /// folder (the current directory for the CLI, the workspace for MCP).
    public init(parsing text: String, schema: String? = nil, relativeTo base: URL) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let schema, schema.isEmpty || schema.contains("\0") {
            throw CasparianError(.usage, "--schema is empty", hint: "name a schema, e.g. --schema analytics, or leave it out")
        }
        switch trimmed.lowercased() {
        case "", "sqlite":
            if schema != nil { throw Self.schemaOnlyForPostgres }
            self = .sqlite
            return
        default: break
        }
        if trimmed.lowercased().hasPrefix("parquet:") {
            if schema != nil { throw Self.schemaOnlyForPostgres }
            let path = String(trimmed.dropFirst("parquet:".count))
            guard !path.isEmpty else {
                throw CasparianError(
                    .usage, "parquet: needs a folder", hint: "name the folder the datasets go to, e.g. --to parquet:out/tables")
            }
            let expanded = (path as NSString).expandingTildeInPath
            let url = expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded) : base.appendingPathComponent(expanded)
            self.init(kind: .parquet, location: url.standardizedFileURL.path, schema: nil)
            return
        }
        if let url = PostgresURL(trimmed) {
            self.init(kind: .postgresql, location: trimmed, schema: schema ?? url.searchPath)
            return
        }
        throw CasparianError(
            .usage, "unknown output target \"\(Self.redacting(trimmed))\"",
            hint: "use sqlite (the default), parquet:FOLDER, or a PostgreSQL URL such as postgresql://user@host:5432/db")
    }

    private static let schemaOnlyForPostgres = CasparianError(
        .usage, "--schema applies to PostgreSQL targets only", hint: "leave --schema out, or write to a postgresql:// URL")

    /// The target as people read it; a password shows as `***`.
    public var description: String {
        switch kind {
        case .sqlite: return "sqlite"
        case .parquet: return "parquet:\(location)"
        case .postgresql:
            return schema.map { "\(displayLocation) (schema \($0))" } ?? displayLocation
        }
    }

    /// `location` as people read it: a password shows as `***`.
    public var displayLocation: String {
        kind == .postgresql ? redactedPostgresURL(location) : location
    }

    /// Text that may hold a PostgreSQL URL, with its password hidden.
    static func redacting(_ text: String) -> String {
        // Any scheme's `user:password@` too: an unknown target is echoed back.
        redactedPostgresURL(text).replacingOccurrences(
            of: "(://[^/@:?]*):[^/@?]*@", with: "$1:***@", options: .regularExpression)
    }

    enum CodingKeys: String, CodingKey { case kind, location, schema }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        // Never a password, wherever the spec is kept.
        try c.encode(kind == .postgresql ? (PostgresURL(location)?.withoutPassword ?? location) : location, forKey: .location)
        try c.encodeIfPresent(schema, forKey: .schema)
    }
}

/// A `postgresql://` (or `postgres://`) URL taken apart far enough to drop
/// its password and read its schema: `scheme://[user[:password]@][hosts][/db][?k=v&…]`.
struct PostgresURL {
    var scheme: String
    var user: String?
    var hosts: String
    var path: String
    var query: [(key: String, value: String)]

    init?(_ text: String) {
        let lower = text.lowercased()
        guard let scheme = ["postgresql://", "postgres://"].first(where: { lower.hasPrefix($0) }) else { return nil }
        self.scheme = String(text.prefix(scheme.count))
        var rest = Substring(text.dropFirst(scheme.count))
        var queryText = ""
        if let q = rest.firstIndex(of: "?") {
            queryText = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        var authority = rest
        path = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = String(rest[slash...])
        }
        hosts = String(authority)
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hosts = String(authority[authority.index(after: at)...])
            user = userInfo.firstIndex(of: ":").map { String(userInfo[..<$0]) } ?? String(userInfo)
        }
        query = queryText.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// A query parameter's value, percent-decoded.
    func parameter(_ key: String) -> String? {
        query.first { $0.key == key }.map { $0.value.removingPercentEncoding ?? $0.value }
    }

    /// The first schema of `options=-csearch_path=…` (percent-decoded), if any.
    var searchPath: String? {
        guard let options = parameter("options") else { return nil }
        for token in options.split(separator: " ") {
            for prefix in ["-csearch_path=", "-c search_path="] where token.lowercased().hasPrefix(prefix) {
                let first = token.dropFirst(prefix.count).split(separator: ",").first.map(String.init)
                return first?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")).nilIfEmpty
            }
        }
        return nil
    }

    /// The URL with any password (in the user part or a `password=`
    /// parameter) left out: libpq then looks in its usual sources.
    var withoutPassword: String {
        var s = scheme
        if let user { s += user + "@" }
        s += hosts + path
        let kept = query.filter { $0.key != "password" }.map { "\($0.key)=\($0.value)" }
        if !kept.isEmpty { s += "?" + kept.joined(separator: "&") }
        return s
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
