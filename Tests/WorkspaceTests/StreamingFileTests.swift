import CasparianCore
import CasparianTestSupport
import Catalog
import Foundation
import GRDB
import PluginHost
import Testing

@testable import Workspace

/// A file's rows stream through the host: execute writes each batch inside
/// the file's open transaction as it arrives, and discovery feeds the file
/// first in order as it arrives. What is held is bounded by a few batches,
/// not by the size of the file — and a file is still written all or none.
@Suite("Streaming a large file", .serialized)
struct StreamingFileTests {
    static let rows = 400_000
    /// One file of `rows` rows; with BAD=1 the last rows break the contract.
    static let parser = """
        import os
        pattern = "*.txt"
        def parse(path):
            bad = os.path.basename(path).startswith("bad")
            for i in range(\(rows)):
                yield {"n": "oops" if bad and i > \(rows - 50_000) else i, "s": "name-%d" % (i % 1000)}
        """
    static let contract = """
        {"id": "ctr_stream", "plugin": "stream", "version": 1, "approved_at": "2026-01-01T00:00:00.000Z", "approved_by": "test",
         "schemas": [{"output": "stream", "columns": [{"name": "n", "type": "int64"}, {"name": "s", "type": "string"}]}]}
        """

    func setup() throws -> (URL, Workspace, PluginDirectory, URL) {
        let base = try TemporaryFolder.create("stream")
        let data = base.appendingPathComponent("data")
        try TestSupport.write("x\n", to: data.appendingPathComponent("a.txt"))
        try TestSupport.write(Self.parser, to: base.appendingPathComponent("plugins/stream/parser.py"))
        try TestSupport.write(Self.contract, to: base.appendingPathComponent("plugins/stream/contract.json"))
        let ws = try Workspace.create(at: base)
        let plugin = try ws.plugin(named: "stream", pluginsDirectory: base.appendingPathComponent("plugins"))
        return (base, ws, plugin, data)
    }

    static var environment: WorkerEnvironment {
        WorkerEnvironment(pythonExecutable: "/usr/bin/python3", workerExecutable: WorkerEnvironment.defaultWorkerExecutable())
    }

    func count(_ ws: Workspace) throws -> Int {
        try TestSupport.inspect(ws.outputURL) { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM stream") ?? 0 }
    }

    @Test func executeHoldsAFewBatchesOfAFileAndStillWritesItWhole() async throws {
        let (_, ws, plugin, data) = try setup()
        let scope = try ws.createScope(ScopeDefinition(name: "s", root: data.path, include: ["*.txt"])).scope
        let pool = WorkerPool(environment: Self.environment, size: 1)
        defer { pool.shutdown() }
        FileRowChannel.resetPeak()
        let report = try await ws.execute(plugin: plugin, scope: scope, pool: pool)
        #expect(report.status == .done && report.rowsWritten == Self.rows, "\(report.failures)")
        #expect(try count(ws) == Self.rows)
        let peak = FileRowChannel.peakQueuedRows
        #expect(peak > 0 && peak <= Self.rows / 4, "rows waiting for the writer: \(peak) of a \(Self.rows)-row file")

        // A file that breaks the contract near its end rolls back whole: the earlier rows stay.
        try FileManager.default.moveItem(at: data.appendingPathComponent("a.txt"), to: data.appendingPathComponent("bad.txt"))
        try FileManager.default.copyItem(at: data.appendingPathComponent("bad.txt"), to: data.appendingPathComponent("a.txt"))
        _ = try ws.refreshScope(named: "s")
        let second = try await ws.execute(plugin: plugin, scope: try ws.resolveScope("s"), pool: pool)
        #expect(second.filesFailed == 1, "\(second)")
        #expect(second.failures.first?.path.hasSuffix("bad.txt") == true)
        #expect(try count(ws) == Self.rows, "nothing of the failed file was written")
    }

    @Test func discoveryFeedsTheFileAsItArrives() async throws {
        let (_, ws, plugin, data) = try setup()
        let run = try await ws.discover(
            paths: [data.path], parser: .plugin(plugin, Self.environment), options: DiscoveryOptions(workers: 1))
        #expect(run.result.rows == Self.rows)
        #expect(run.peakHeldRows > 0 && run.peakHeldRows <= Self.rows / 4, "rows held: \(run.peakHeldRows)")
    }
}
