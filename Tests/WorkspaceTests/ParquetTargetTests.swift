import CasparianCore
import CasparianTestSupport
import Contracts
import Foundation
import Testing

@testable import Workspace

/// The Parquet folder's crash protocol, step by step: a write stopped after
/// its state transaction is finished by the next open; a write stopped
/// before it leaves only a temporary file, which the next open removes;
/// one process writes a folder at a time.
@Suite("Parquet target: crash recovery and the folder lock")
struct ParquetTargetTests {
    static let schema = LockedSchema(output: "t", columns: [LockedColumn(name: "x", type: .int64, nullable: false)])

    static func write(_ target: ParquetTarget, _ values: [Int64], run: String) throws {
        let outputs = try target.prepare(plugin: "p", contractVersion: 1, schemas: [schema])
        let batch = RowBatch(output: "t", columnNames: ["x"], columns: [values.map { .int($0) }])
        try target.writeFile(FileWrite(file: "/data/a.csv", run: run, parserVersion: "1", batches: [batch]), outputs: outputs)
    }

    /// The rows DuckDB reads from the table's folder.
    static func readBack(_ folder: URL) throws -> String {
        let python = try TestVenv.requirePython()
        let r = try ProcessLaunch(
            python,
            [
                "-c",
                "import duckdb, sys; print(duckdb.sql(f\"SELECT string_agg(x::text, ',' ORDER BY x) FROM read_parquet('{sys.argv[1]}/t/*.parquet')\").fetchall()[0][0])",
                folder.path,
            ], environment: ProcessInfo.processInfo.environment
        ).run()
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aWriteStoppedAfterItsStateTransactionIsFinishedByTheNextOpen() throws {
        let folder = try TemporaryFolder.create("parquet-recover").appendingPathComponent("lake")
        try Self.write(try ParquetTarget(folder: folder), [1, 2], run: "run_a")
        #expect(try Self.readBack(folder) == "1,2")
        do {
            let target = try ParquetTarget(folder: folder)
            target.stopBeforeRenames = true
            #expect(throws: CasparianError.self) { try Self.write(target, [7, 8, 9], run: "run_b") }
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("t").path)
            #expect(names.contains { $0.hasSuffix(".run_b.tmp") }, "the new part waits under its temporary name: \(names)")
            #expect(try Self.readBack(folder) == "1,2", "readers still see the old part")
        }
        let reopened = try ParquetTarget(folder: folder)
        #expect(try Self.readBack(folder) == "7,8,9", "the committed write was finished")
        #expect(try reopened.writtenFiles(plugin: "p")["/data/a.csv"]?.run == "run_b")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("t").path)
        #expect(names.filter { $0.hasSuffix(".parquet") }.count == 1 && !names.contains { $0.hasSuffix(".tmp") }, "\(names)")
    }

    @Test func aTemporaryFileOfAWriteThatNeverCommittedIsRemoved() throws {
        let folder = try TemporaryFolder.create("parquet-stray").appendingPathComponent("lake")
        try Self.write(try ParquetTarget(folder: folder), [1], run: "run_a")
        let stray = folder.appendingPathComponent("t/.a.csv-0123456789abcdef.parquet.run_x.tmp")
        try Data("half a file".utf8).write(to: stray)
        _ = try ParquetTarget(folder: folder)
        #expect(!FileManager.default.fileExists(atPath: stray.path))
        #expect(try Self.readBack(folder) == "1")
    }

    @Test func oneProcessWritesAFolderAtATime() throws {
        let folder = try TemporaryFolder.create("parquet-lock").appendingPathComponent("lake")
        let first = try ParquetTarget(folder: folder)
        let error = #expect(throws: CasparianError.self) { _ = try ParquetTarget(folder: folder) }
        #expect(error?.message.contains("another casparian process is writing") == true, "\(error?.message ?? "")")
        // Listing reads without the lock.
        #expect(try ParquetTarget(folder: folder, readOnly: true).tables().isEmpty)
        withExtendedLifetime(first) {}
    }
}
