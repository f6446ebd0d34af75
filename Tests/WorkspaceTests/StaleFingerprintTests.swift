import CasparianTestSupport
import Catalog
import Foundation
import PluginHost
import Testing
import Workspace

/// A file that changes while it is parsed must not be recorded as written
/// in its new state: the next run sees the change and parses it again.
@Suite("Fingerprints of files changed during a run", .serialized)
struct StaleFingerprintTests {
    /// Appends a row to its input after reading it, once: a file that grows
    /// while it is parsed.
    static let parser = """
        import os
        pattern = "*.csv"
        def parse(path):
            lines = open(path).read().split()[1:]
            if not os.path.exists(path + ".grown"):
                open(path + ".grown", "w").close()
                with open(path, "a") as f:
                    f.write("3\\n")
            for line in lines:
                yield {"n": int(line)}
        """
    static let contract = """
        {"id": "ctr_grow", "plugin": "grower", "version": 1, "approved_at": "2026-01-01T00:00:00.000Z", "approved_by": "test",
         "schemas": [{"output": "grower", "mode": "strict", "columns": [{"name": "n", "type": "int64", "nullable": false}]}]}
        """

    @Test func aFileThatGrowsWhileParsedIsParsedAgainByTheNextRun() async throws {
        let base = try TemporaryFolder.create("grow")
        let data = base.appendingPathComponent("data")
        try TestSupport.write("n\n1\n2\n", to: data.appendingPathComponent("a.csv"))
        try TestSupport.write(Self.parser, to: base.appendingPathComponent("plugins/grower/parser.py"))
        try TestSupport.write(Self.contract, to: base.appendingPathComponent("plugins/grower/contract.json"))
        let ws = try Workspace.create(at: base)
        let scope = try ws.createScope(ScopeDefinition(name: "g", root: data.path, include: ["*.csv"])).scope
        let plugin = try ws.plugin(named: "grower", pluginsDirectory: base.appendingPathComponent("plugins"))
        let pool = WorkerPool(
            environment: WorkerEnvironment(
                pythonExecutable: "/usr/bin/python3",
                workerExecutable: WorkerEnvironment.defaultWorkerExecutable()), size: 1)
        defer { pool.shutdown() }

        let first = try await ws.execute(plugin: plugin, scope: scope, pool: pool)
        #expect(first.filesOK == 1 && first.rowsWritten == 2)

        let changes = try ws.refreshScope(named: scope.definition.name).changes
        #expect(changes.changed.count == 1, "the scope sees the file changed")
        let second = try await ws.execute(plugin: plugin, scope: scope, pool: pool)
        #expect(second.filesSkipped == 0 && second.filesOK == 1, "the file changed after its fingerprint was taken")
        #expect(second.rowsWritten == 3)

        let third = try await ws.execute(plugin: plugin, scope: scope, pool: pool)
        #expect(third.filesSkipped == 1 && third.filesOK == 0, "unchanged since the second run")
    }
}
