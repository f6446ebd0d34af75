import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `casparian query`: its limits are never silent.
@Suite("CLI: query limits")
struct QueryCommandTests {
    /// A workspace whose output database has a `synthetic` table of 6 rows.
    static func workspace() throws -> URL {
        let ws = try CLIRunner.tempDirectory("query")
        try FileManager.default.createDirectory(at: ws.appendingPathComponent(".casparian"), withIntermediateDirectories: true)
        let write = try CLIRunner.run(["debug-write-output", ws.appendingPathComponent(".casparian/output.sqlite").path, "--files", "2", "--rows", "3"])
        try #require(write.status == 0, "\(write.stderr)")
        return ws
    }

    @Test func theByteCapIsAnErrorAfterThePartialOutputNeverASilentSuccess() throws {
        let ws = try Self.workspace()
        let w = ["--workspace", ws.path]
        for format in ["--csv", "--json", "--table"] {
            let r = try CLIRunner.run(["query", "SELECT id, name FROM synthetic ORDER BY _cf_file, id", "--max-bytes", "40"]
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
        let r = try CLIRunner.run(["query", "SELECT zeroblob(900000000) AS a, zeroblob(900000000) AS b, zeroblob(900000000) AS c",
                                   "--workspace", ws.path])
        #expect(r.status == 2, "\(r.status): \(r.stderr)")
        #expect(r.stderr.contains("column a of row 1") && r.stderr.contains("hint:"), "\(r.stderr)")
    }
}
