import CasparianCore
import CasparianTestSupport
import Catalog
import Foundation
import Inference
import Testing

/// Schemas SQLite cannot create are refused when they are approved, with a
/// short error; a disk that fills up during `run` is a clear error, the job
/// ends failed, and `--json` prints an error object in both cases.
@Suite("CLI: output limits", .serialized)
struct OutputLimitsTests {
    /// A workspace with one stored discovery of `columns` int64 columns.
    static func workspace(columns: [String]) throws -> (URL, String) {
        let dir = try TemporaryFolder.create("limits")
        let state = dir.appendingPathComponent(".casparian")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let catalog = try Catalog(url: state.appendingPathComponent("catalog.sqlite"))
        let result = DiscoveryResult(
            files: 1, rows: 2,
            outputs: [
                OutputInference(
                    name: "wide", columns: columns.map { ColumnInference(name: $0, type: .int64, nullable: false, status: .resolved) })
            ])
        return (dir, try catalog.saveDiscovery(plugin: "wide", scopeID: nil, result: result))
    }

    func errorObject(_ r: CLIRunner.Result) throws -> [String: Any] {
        let object = try #require(try r.json() as? [String: Any], "stdout: \(r.stdout)")
        return try #require(object["error"] as? [String: Any])
    }

    @Test func tenThousandColumnsAreRefusedAtApprovalInAFewLines() throws {
        let (ws, disc) = try Self.workspace(columns: (0..<10_000).map { "c\($0)" })
        let r = try CLIRunner.run(["approve", disc, "--plugin", "wide", "--by", "ana", "--json"], in: ws)
        #expect(r.status == 2)
        #expect(r.stderr.contains("10000 columns") && r.stderr.contains("at most 1996"), "\(r.stderr.prefix(500))")
        #expect(r.stderr.utf8.count < 1000, "a short error, not the CREATE TABLE statement")
        let error = try errorObject(r)
        #expect(error["kind"] as? String == "usage" && (error["message"] as? String)?.contains("10000 columns") == true)
        #expect(!FileManager.default.fileExists(atPath: ws.appendingPathComponent("plugins/wide/contract.json").path))
    }

    @Test(arguments: [
        ["--override", "wide.name=_cf_file_writes"], ["--override", "wide.name=sqlite_sequence"],
        ["--override", "wide.name=SQLITE_stat1"], ["--override", "a.rename_to=_cf_file"],
        ["--override", "a.rename_to=B"],
    ])
    func reservedAndCaseFoldedNamesAreRefusedAtApproval(_ override: [String]) throws {
        let (ws, disc) = try Self.workspace(columns: ["a", "b"])
        let r = try CLIRunner.run(["approve", disc, "--plugin", "wide", "--by", "ana", "--json"] + override, in: ws)
        #expect(r.status == 2, "\(r.stdout) \(r.stderr)")
        let message = try #require(try errorObject(r)["message"] as? String)
        #expect(message.contains("_cf_") || message.contains("sqlite_") || message.contains("letter case"), "\(message)")
        #expect(r.stderr.contains("hint: "))
    }

    /// A 1 MiB tmpfs (root only; skipped where mounting is not permitted).
    static func smallDisk() -> URL? {
        guard getuid() == 0, let dir = try? TemporaryFolder.create("full"),
            let mount = try? ProcessLaunch("/bin/mount", ["-t", "tmpfs", "-o", "size=1M", "tmpfs", dir.path]).run()
        else { return nil }
        return mount.status == 0 ? dir : nil
    }

    static func unmount(_ dir: URL) {
        _ = try? ProcessLaunch("/bin/umount", [dir.path]).run()
        try? FileManager.default.removeItem(at: dir)
    }

    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func aFullDiskIsAClearErrorAndTheJobEndsFailed() throws {
        guard let disk = Self.smallDisk() else { return }  // mounting not permitted here
        defer { Self.unmount(disk) }
        let dir = try TemporaryFolder.create("full")
        let plugin = dir.appendingPathComponent("plugins/big")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        try Data(
            """
            pattern = "*.txt"
            def parse(path):
                for i in range(20000):
                    yield {"n": i, "s": "x" * 100}
            """.utf8
        ).write(to: plugin.appendingPathComponent("parser.py"))
        try Data(
            """
            {"id": "ctr_big", "plugin": "big", "version": 1, "approved_at": "2026-01-01T00:00:00.000Z", "approved_by": "test",
             "schemas": [{"output": "big", "columns": [{"name": "n", "type": "int64"}, {"name": "s", "type": "string"}]}]}
            """.utf8
        ).write(to: plugin.appendingPathComponent("contract.json"))
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for k in 0..<3 { try Data("x\n".utf8).write(to: data.appendingPathComponent("f\(k).txt")) }
        let scope = try CLIRunner.run(["scope", "create", "s", "--root", "data"], in: dir)
        #expect(scope.status == 0, "\(scope.stderr)")
        // Only output.sqlite lives on the small disk (SQLite puts its WAL beside the link's target).
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent(".casparian/output.sqlite").path,
            withDestinationPath: disk.appendingPathComponent("output.sqlite").path)

        let r = try CLIRunner.run(["run", "big", "--scope", "s", "--json", "--jobs", "1"], in: dir)
        #expect(r.status == 2, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("disk full") && r.stderr.contains(disk.path) && r.stderr.contains("hint: free space"), "\(r.stderr)")
        #expect(!r.stderr.contains("SQLite error"))
        let error = try errorObject(r)
        #expect(error["kind"] as? String == "environment" && (error["message"] as? String)?.hasPrefix("disk full") == true)

        let jobs = try CLIRunner.run(["jobs", "--json"], in: dir)
        #expect(jobs.stdout.contains("\"failed\"") && !jobs.stdout.contains("\"interrupted\""), "\(jobs.stdout)")
    }
}

extension OutputLimitsTests {
    /// The same for a Parquet folder on a full disk: the run stops with a
    /// `disk full` error (not one failure per file), no partial part stays,
    /// and after space is freed the next run writes every file.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func aFullDiskStopsAParquetRunAndLeavesNoPartialFile() throws {
        guard let disk = Self.smallDisk() else { return }  // mounting not permitted here
        defer { Self.unmount(disk) }
        let dir = try TemporaryFolder.create("full-parquet")
        let plugin = dir.appendingPathComponent("plugins/big")
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        // Incompressible values: ~2.6 MB of Parquet per file, on a 1 MB disk.
        try Data(
            """
            import os
            pattern = "*.txt"
            def parse(path):
                for i in range(20000):
                    yield {"n": i, "s": os.urandom(64).hex()}
            """.utf8
        ).write(to: plugin.appendingPathComponent("parser.py"))
        try Data(
            """
            {"id": "ctr_big", "plugin": "big", "version": 1, "approved_at": "2026-01-01T00:00:00.000Z", "approved_by": "test",
             "schemas": [{"output": "big", "columns": [{"name": "n", "type": "int64"}, {"name": "s", "type": "string"}]}]}
            """.utf8
        ).write(to: plugin.appendingPathComponent("contract.json"))
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for k in 0..<3 { try Data("x\n".utf8).write(to: data.appendingPathComponent("f\(k).txt")) }
        #expect(try CLIRunner.run(["scope", "create", "s", "--root", "data"], in: dir).status == 0)
        let lake = disk.appendingPathComponent("lake")

        let r = try CLIRunner.run(["run", "big", "--scope", "s", "--json", "--jobs", "1", "--to", "parquet:\(lake.path)"], in: dir)
        #expect(r.status == 2, "\(r.stdout) \(r.stderr)")
        let error = try errorObject(r)
        #expect((error["message"] as? String)?.hasPrefix("disk full") == true, "\(error)")
        let parts = (try? FileManager.default.contentsOfDirectory(atPath: lake.appendingPathComponent("big").path)) ?? []
        #expect(!parts.contains { $0.hasSuffix(".tmp") }, "no partial part: \(parts)")
        let jobs = try CLIRunner.run(["jobs", "--json"], in: dir)
        #expect(jobs.stdout.contains("\"failed\"") && !jobs.stdout.contains("\"interrupted\""), "\(jobs.stdout)")
    }
}
