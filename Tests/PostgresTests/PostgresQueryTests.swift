import CasparianCore
import CasparianTestSupport
import Postgres
import Testing

@Suite("Postgres statements", .timeLimit(.minutes(2)))
struct PostgresQueryTests {
    @Test("query binds text parameters (nil is NULL) and reports columns, types, tag and count")
    func parameters() throws {
        let connection = try PostgresConnection(url: try TestPostgres.url())
        defer { connection.close() }
        let rows = try connection.query("SELECT $1::int + 1 AS n, $2::text AS t, $3::text AS u", parameters: ["41", nil, "é\t'x'"])
        #expect(rows.columns == ["n", "t", "u"])
        #expect(rows.typeOIDs == [23, 25, 25])
        #expect(rows.rows == [["42", nil, "é\t'x'"]])
        #expect(rows.commandTag == "SELECT 1")
        #expect(rows.affectedRows == 1)
        let created = try connection.query("CREATE TEMPORARY TABLE t (id bigint)")
        #expect(created.commandTag == "CREATE TABLE")
        #expect(created.affectedRows == nil)
        #expect(try connection.query("INSERT INTO t SELECT generate_series(1, 3)").affectedRows == 3)
    }

    @Test("a failing statement is a PostgresError with SQLSTATE, message, hint and the statement")
    func statementErrors() throws {
        let connection = try PostgresConnection(url: try TestPostgres.url())
        defer { connection.close() }
        let division = try #require(throws: PostgresError.self) { try connection.execute("SELECT 1/0") }
        #expect(division.sqlState == "22012")
        #expect(division.message == "division by zero")
        let missing = try #require(throws: PostgresError.self) { try connection.query("SELECT * FROM no_such_table") }
        #expect(missing.sqlState == "42P01")
        #expect(missing.description.contains("no_such_table"))
        #expect(missing.description.contains("statement: SELECT * FROM no_such_table"))
        let hinted = try #require(throws: PostgresError.self) { try connection.query("SELECT lenght('x')") }
        #expect(hinted.sqlState == "42883")
        #expect(hinted.hint != nil)
        #expect(try connection.query("SELECT 2").rows == [["2"]])
    }

    @Test("transactionStatus follows BEGIN, a failure and ROLLBACK")
    func transactionStatus() throws {
        let connection = try PostgresConnection(url: try TestPostgres.url())
        defer { connection.close() }
        #expect(connection.transactionStatus == .idle)
        try connection.execute("BEGIN")
        #expect(connection.transactionStatus == .inTransaction)
        #expect(throws: PostgresError.self) { try connection.execute("SELECT 1/0") }
        #expect(connection.transactionStatus == .failed)
        let aborted = try #require(throws: PostgresError.self) { try connection.query("SELECT 1") }
        #expect(aborted.sqlState == "25P02")
        try connection.execute("ROLLBACK")
        #expect(connection.transactionStatus == .idle)
    }

    @Test("session settings: UTF-8 always, the application name unless the URL names one, the server version")
    func settings() throws {
        let url = try TestPostgres.url()
        let connection = try PostgresConnection(url: url, applicationName: "casparian-test")
        defer { connection.close() }
        #expect(connection.serverVersion >= 100_000)
        #expect(try connection.query("SHOW client_encoding").rows == [["UTF8"]])
        #expect(try connection.query("SHOW application_name").rows == [["casparian-test"]])

        let separator = url.contains("?") ? "&" : "?"
        let named = try PostgresConnection(url: url + separator + "application_name=mine&client_encoding=LATIN1")
        defer { named.close() }
        #expect(try named.query("SHOW application_name").rows == [["mine"]])
        #expect(try named.query("SHOW client_encoding").rows == [["UTF8"]])
    }

    @Test("a closed connection says so")
    func closed() throws {
        let connection = try PostgresConnection(url: try TestPostgres.url())
        connection.close()
        connection.close()
        #expect(connection.transactionStatus == .unknown)
        let error = try #require(throws: CasparianError.self) { try connection.execute("SELECT 1") }
        #expect(error.message.contains("closed"))
    }
}
