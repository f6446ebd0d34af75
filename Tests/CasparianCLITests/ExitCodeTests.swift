import CasparianTestSupport
import Foundation
import Testing

/// Every error a command throws goes through one mapping at the top of the
/// CLI (`CLIErrors`, applied by `CommandMain`): Casparian's own errors keep
/// their message, hint and exit code (2 usage or configuration, 1 a check
/// failed), and any other error is an internal error, exit 3, that still
/// shows what went wrong.
@Suite("CLI: errors map to exit codes")
struct ExitCodeTests {
    /// A workspace with a scope `d` and a plugin `p`, whose catalog then
    /// lost its `scopes` table (edited by hand, or damaged): reading scopes
    /// makes GRDB throw a `DatabaseError`, which no command turns into a
    /// Casparian error.
    static func damagedWorkspace() throws -> URL {
        let dir = try TemporaryFolder.create("damaged")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        try Data("id\n1\n".utf8).write(to: dir.appendingPathComponent("data/a.csv"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("plugins/p"), withIntermediateDirectories: true)
        try Data("def parse(path):\n    yield {\"id\": 1}\n".utf8).write(to: dir.appendingPathComponent("plugins/p/parser.py"))
        let created = try CLIRunner.run(["scope", "create", "d", "--root", "data"], in: dir)
        #expect(created.status == 0, "\(created.stderr)")
        let dropped = try ProcessLaunch(
            "/usr/bin/python3",
            [
                "-c",
                """
                import sqlite3
                db = sqlite3.connect(".casparian/catalog.sqlite")
                db.execute("DROP TABLE scopes")
                db.commit()
                """,
            ], in: dir
        ).run()
        #expect(dropped.status == 0, "\(dropped.stderr)")
        return dir
    }

    @Test func aDatabaseErrorIsAnInternalErrorWithItsDescription() throws {
        let dir = try Self.damagedWorkspace()
        let r = try CLIRunner.run(["scope", "list"], in: dir)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("error: internal error: SQLite error 1: no such table: scopes"), "\(r.stderr)")
        #expect(r.stderr.contains("hint: Casparian did not expect this error (GRDB.DatabaseError)"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func underJSONAnInternalErrorIsAnErrorObjectWithExitCode3() throws {
        let dir = try Self.damagedWorkspace()
        let r = try CLIRunner.run(["run", "p", "--scope", "d", "--json"], in: dir)
        #expect(r.status == 3, "\(r.stderr)")
        let error = try #require((try r.json() as? [String: Any])?["error"] as? [String: Any], "\(r.stdout)")
        #expect(error["kind"] as? String == "internal")
        #expect(error["exit_code"] as? Int == 3)
        #expect((error["message"] as? String)?.contains("no such table: scopes") == true, "\(error)")
        #expect(r.stderr.contains("error: internal error: SQLite error 1"))
    }

    @Test func casparianErrorsKeepTheirMessagesHintsAndExitCodes() throws {
        let dir = try TemporaryFolder.create("exit-codes")
        let missing = try CLIRunner.run(["scope", "show", "nope"], in: dir)
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(missing.stderr.hasPrefix("error: no Casparian workspace") && missing.stderr.contains("\nhint: "), "\(missing.stderr)")
        #expect(!missing.stderr.contains("internal error"))

        let json = try CLIRunner.run(["run", "nope", "--scope", "d", "--json"], in: dir)
        #expect(json.status == 2, "\(json.stderr)")
        let error = try #require((try json.json() as? [String: Any])?["error"] as? [String: Any], "\(json.stdout)")
        #expect(error["exit_code"] as? Int == 2 && error["kind"] as? String != "internal", "\(error)")

        let usage = try CLIRunner.run(["scan", ".", "--top=-1"], in: dir)
        #expect(usage.status == 2 && usage.stderr.contains("--top must be 0 or more"), "\(usage.stderr)")
    }

    /// Help, version and usage errors stay swift-argument-parser's, whichever
    /// way the command line was parsed (`directSubcommand` or the root).
    @Test func helpVersionAndUsageErrorsAreNotInternalErrors() throws {
        for arguments in [["--version"], ["--help"], ["help", "scan"], ["scan", "--help"], ["scope", "list", "--help"]] {
            let r = try CLIRunner.run(arguments)
            #expect(r.status == 0 && !r.stdout.isEmpty && r.stderr.isEmpty, "\(arguments): \(r.status) \(r.stderr)")
        }
        let server = try CLIRunner.run(["--help"], binary: BuiltProducts.path("casparian-mcp"))
        #expect(server.status == 0 && server.stdout.contains("casparian-mcp"), "\(server.stderr)")
        for arguments in [["scan", "--bogus"], ["nonexistent"], ["scope", "list", "--bogus"]] {
            let r = try CLIRunner.run(arguments)
            #expect(r.status == 2 && !r.stderr.contains("internal error"), "\(arguments): \(r.status) \(r.stderr)")
        }
    }
}
