import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The PostgreSQL server tests write to: `$CASPARIAN_TEST_POSTGRES_URL`
/// (`make test` starts one with scripts/test-postgres.sh), else one server
/// this test process starts the same way under TMPDIR and stops when it
/// exits, so `swift test --filter X` works on its own. A machine without
/// PostgreSQL fails the tests that need it, saying to run `make deps`.
public enum TestPostgres {
    /// Why no server is available.
    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// A URL of the server, connected as the superuser `postgres` to the
    /// database `postgres`.
    public static func url() throws -> String {
        if let url = ProcessInfo.processInfo.environment["CASPARIAN_TEST_POSTGRES_URL"], !url.isEmpty { return url }
        return try ownServer.get()
    }

    /// scripts/test-postgres.sh.
    public static var script: String { PackageRoot.url.appendingPathComponent("scripts/test-postgres.sh").path }

    /// A new, empty database of its own (named after `name`, made unique),
    /// so tests share no tables; its URL.
    public static func freshDatabase(name: String) throws -> String {
        let base = try url()
        let safe = String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }.prefix(40))
        let database = "\(safe)_\(UUID().uuidString.prefix(8).lowercased())"
        _ = try psql(base, "CREATE DATABASE \"\(database)\"")
        return url(base, database: database)
    }

    /// `base` pointed at `database` instead of its own.
    public static func url(_ base: String, database: String) -> String {
        guard let schemeEnd = base.range(of: "://") else { return "\(base) dbname='\(database)'" }
        let rest = base[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let queryStart = rest[authorityEnd...].firstIndex(of: "?") ?? rest.endIndex
        return base[..<authorityEnd] + "/" + database + rest[queryStart...]
    }

    /// Runs `sql` with Debian's psql (a plain SQL client, independent of
    /// the code under test) in unaligned, tuples-only mode (`-At`): its
    /// output, one row a line, fields split by `|`; `arguments` go before
    /// the command (`-R SEP`, `-P null=X`). Throws on any error.
    public static func psql(_ url: String, _ sql: String, fieldSeparator: String = "|", arguments: [String] = []) throws -> String {
        let psql = "/usr/bin/psql"
        guard FileManager.default.isExecutableFile(atPath: psql) else {
            throw Unavailable(description: "no \(psql): run `make deps` (Debian package postgresql)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PGCONNECT_TIMEOUT"] = "10"
        let result = try ProcessLaunch(
            psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", fieldSeparator] + arguments + ["-d", url, "-c", sql],
            environment: environment, timeout: 60
        ).run()
        guard result.status == 0 else {
            throw Unavailable(description: "psql failed (exit \(result.status)) running \(sql): \(result.stderr)")
        }
        return result.stdout
    }

    // MARK: - The test process's own server

    /// Short: the socket path inside must fit in 107 bytes.
    private static let ownFolder = FileManager.default.temporaryDirectory
        .appendingPathComponent("cpg-\(UUID().uuidString.prefix(8).lowercased())").path

    private static let ownServer: Result<String, Unavailable> = {
        do {
            let result = try ProcessLaunch("/bin/bash", [script, "start", ownFolder], timeout: 120).run()
            guard result.status == 0 else {
                return .failure(
                    Unavailable(
                        description:
                            "could not start a PostgreSQL server for the tests (\(script) start \(ownFolder)): \(result.stderr)"
                            + "\nset CASPARIAN_TEST_POSTGRES_URL to a server's URL, or run `make deps` to install PostgreSQL"))
            }
            atexit { TestPostgres.stopOwnServer() }
            return .success(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            return .failure(Unavailable(description: "could not run \(script): \(error)"))
        }
    }()

    private static func stopOwnServer() {
        let quoted = { (path: String) in "'" + path.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }
        _ = system("/bin/bash \(quoted(script)) stop \(quoted(ownFolder)) >/dev/null 2>&1")
    }
}
