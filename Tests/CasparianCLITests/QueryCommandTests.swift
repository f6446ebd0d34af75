import CasparianTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `casparian query`: its limits are never silent, and it works on a workspace the user can only read.
@Suite("CLI: query limits and read-only workspaces")
struct QueryCommandTests {
    /// A workspace whose output database has a `synthetic` table of 6 rows.
    static func workspace() throws -> URL {
        let ws = try TemporaryFolder.create("query")
        try FileManager.default.createDirectory(at: ws.appendingPathComponent(".casparian"), withIntermediateDirectories: true)
        let write = try ProcessLaunch(
            BuiltProducts.testWriter, [ws.appendingPathComponent(".casparian/output.sqlite").path, "--files", "2", "--rows", "3"]
        ).run()
        try #require(write.status == 0, "\(write.stderr)")
        return ws
    }

    @Test func theByteCapIsAnErrorAfterThePartialOutputNeverASilentSuccess() throws {
        let ws = try Self.workspace()
        let w = ["--workspace", ws.path]
        for format in ["--csv", "--json", "--table"] {
            let r = try CLIRunner.run(
                ["query", "SELECT id, name FROM synthetic ORDER BY _cf_file, id", "--max-bytes", "40"]
                    + (format == "--table" ? [] : [format]) + w)
            #expect(r.status == 2, "\(format): \(r.stderr)")
            #expect(r.stderr.contains("output cap of 40 bytes"), "\(format): \(r.stderr)")
            #expect(r.stderr.contains("--max-bytes"), "\(format): \(r.stderr)")
            #expect(!r.stdout.isEmpty, "\(format): the rows within the cap are still printed")
        }
        let capByDefault = try CLIRunner.run(["query", "--help"])
        #expect(capByDefault.stdout.contains("--max-bytes") && capByDefault.stdout.contains("256 MiB"))
        // The row limit the user asked for is not an error.
        let limited = try CLIRunner.run(["query", "SELECT id FROM synthetic", "--limit", "2", "--csv"] + w)
        #expect(limited.status == 0 && limited.stderr.contains("truncated"))
    }

    @Test func aHugeCellIsAClearErrorNotACrash() throws {
        let ws = try Self.workspace()
        let r = try CLIRunner.run([
            "query", "SELECT zeroblob(900000000) AS a, zeroblob(900000000) AS b, zeroblob(900000000) AS c",
            "--workspace", ws.path,
        ])
        #expect(r.status == 2, "\(r.status): \(r.stderr)")
        #expect(r.stderr.contains("column a of row 1") && r.stderr.contains("hint:"), "\(r.stderr)")
    }

    /// The workspace belongs to root and the query runs as `nobody` (tests run as root, where
    /// permission bits alone would not stop anything).
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func aWorkspaceTheUserCanOnlyReadCanBeQueried() throws {
        let ws = try Self.workspace()
        #expect(try CLIRunner.run(["output", "list", "--workspace", ws.path]).status == 0)  // as root: the catalog exists too
        #expect(FileManager.default.fileExists(atPath: ws.appendingPathComponent(".casparian/catalog.sqlite").path))
        let state = ws.appendingPathComponent(".casparian")
        for path in [ws.path, state.path] { chmod(path, 0o755) }
        // With the WAL index root left behind, and without it (where SQLite alone cannot read a WAL database).
        for withoutIndex in [false, true] {
            if withoutIndex {
                for suffix in ["-shm", "-wal"] { try? FileManager.default.removeItem(atPath: state.path + "/output.sqlite" + suffix) }
            }
            let r = try Self.runAsNobody(["query", "SELECT count(*) FROM synthetic", "--csv", "--workspace", ws.path])
            #expect(r.status == 0, "without -shm: \(withoutIndex): \(r.stderr)")
            #expect(r.stdout == "count(*)\n6\n", "without -shm: \(withoutIndex): \(r.stdout) \(r.stderr)")
        }
    }

    /// Runs `casparian ARGS…` as the user `nobody`.
    static func runAsNobody(_ arguments: [String]) throws -> CLIRunner.Result {
        try CLIRunner.run(
            arguments, environment: ["PATH": "/usr/bin:/bin", "HOME": "/tmp"], inheritEnvironment: false,
            launcher: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"])
    }
}
