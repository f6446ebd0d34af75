import CasparianCore
import CasparianTestSupport
import Foundation
import Postgres
import Testing

@Suite("Postgres connection failures", .timeLimit(.minutes(3)))
struct PostgresConnectionErrorTests {
    static let password = "Sup3r-S3cret-pw"

    @Test("no server behind the socket folder: unreachable, with a hint, the password hidden")
    func noServerOnSocket() throws {
        let empty = try TemporaryFolder.create("no-postgres")
        defer { try? FileManager.default.removeItem(at: empty) }
        let url = "postgresql://alice:\(Self.password)@/sales?host=\(empty.path)&port=5999"
        let error = try #require(throws: CasparianError.self) { try PostgresConnection(url: url) }
        #expect(error.kind == .environment)
        #expect(error.message.contains("cannot be reached"))
        #expect(error.message.contains("postgresql://alice:***@/sales"))
        #expect(error.hint?.contains("running") == true)
        #expect(!"\(error)".contains(Self.password))
    }

    @Test("a TCP port nothing listens on: unreachable")
    func closedTCPPort() throws {
        let port = try Self.unusedTCPPort()
        let error = try #require(throws: CasparianError.self) {
            try PostgresConnection(url: "host=127.0.0.1 port=\(port) user=alice password='\(Self.password)' dbname=sales")
        }
        #expect(error.kind == .environment)
        #expect(error.message.contains("cannot be reached"))
        #expect(error.message.contains("password='***'"))
        #expect(!"\(error)".contains(Self.password))
    }

    @Test("a role that does not exist: login refused")
    func unknownRole() throws {
        let url = try TestPostgres.url().replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://nobody_here@")
        try #require(url.contains("nobody_here"), "the test server's URL names the user postgres")
        let error = try #require(throws: CasparianError.self) { try PostgresConnection(url: url) }
        #expect(error.kind == .permissionDenied)
        #expect(error.message.contains("refused the login"))
        #expect(error.message.contains("nobody_here"))
        #expect(error.hint?.contains("PGPASSWORD") == true)
    }

    @Test("a database that does not exist: not found, with a hint to create it")
    func unknownDatabase() throws {
        let url = TestPostgres.url(try TestPostgres.url(), database: "no_such_database")
        let error = try #require(throws: CasparianError.self) { try PostgresConnection(url: url) }
        #expect(error.kind == .notFound)
        #expect(error.message.contains("does not exist"))
        #expect(error.hint?.contains("createdb") == true)
    }

    @Test("a malformed URL: usage, the password hidden even where libpq quotes it")
    func malformed() throws {
        let error = try #require(throws: CasparianError.self) {
            try PostgresConnection(url: "postgresql://alice:\(Self.password)%zz@db/sales")
        }
        #expect(error.kind == .usage)
        #expect(!"\(error)".contains(Self.password))
        #expect(!"\(error)".contains("S3cret"))
    }

    /// A second server that asks for passwords (scram-sha-256), for real
    /// refused logins: a wrong password, and none at all.
    @Test("a wrong password, and none, on a server that asks for one: login refused, never shown")
    func refusedPassword() throws {
        let scratch = try TemporaryFolder.create("pg-pw")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let passwordFile = scratch.appendingPathComponent("pw")
        try "right-password\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: passwordFile.path)
        let folder = scratch.appendingPathComponent("pg").path
        let started = try ProcessLaunch(
            "/bin/bash", [TestPostgres.script, "start", folder, "--auth=scram-sha-256", "--pwfile=\(passwordFile.path)"],
            timeout: 120
        ).run()
        defer { _ = try? ProcessLaunch("/bin/bash", [TestPostgres.script, "stop", folder], timeout: 120).run() }
        try #require(started.status == 0, "\(started.stderr)")
        let url = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let withPassword = { (password: String) in url.replacingOccurrences(of: "postgres@", with: "postgres:\(password)@") }

        let connection = try PostgresConnection(url: withPassword("right-password"))
        #expect(try connection.query("SELECT current_user").rows == [["postgres"]])
        connection.close()

        let wrong = try #require(throws: CasparianError.self) { try PostgresConnection(url: withPassword(Self.password)) }
        #expect(wrong.kind == .permissionDenied)
        #expect(wrong.message.contains("password authentication failed"))
        #expect(!"\(wrong)".contains(Self.password))
        #expect(wrong.hint?.contains("~/.pgpass") == true)

        let none = try #require(throws: CasparianError.self) { try PostgresConnection(url: url + "&passfile=/nonexistent") }
        #expect(none.kind == .permissionDenied)
    }

    /// A port on 127.0.0.1 that was free a moment ago.
    static func unusedTCPPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
