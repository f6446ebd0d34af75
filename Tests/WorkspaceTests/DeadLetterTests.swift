import CasparianCore
import CasparianTestSupport
import Catalog
import Foundation
import PluginHost
import Testing
import Workspace

/// A file whose worker is killed from outside every time it is parsed:
/// retried a bounded number of times, then set aside on the dead-letter
/// list, skipped by later runs of the same parser version, and taken off
/// the list once it passes.
@Suite("Dead letters", .serialized)
struct DeadLetterTests {
    static let parser = """
        import os, signal
        pattern = "*.csv"
        def parse(path):
            with open(path + ".attempts", "a") as f:
                f.write("x")
            if path.endswith("poison.csv"):
                os.kill(os.getpid(), signal.SIGKILL)
            for line in open(path).read().split()[1:]:
                yield {"n": int(line)}
        """
    static let contract = """
        {"id": "ctr_dead", "plugin": "killer", "version": 1, "approved_at": "2026-01-01T00:00:00.000Z", "approved_by": "test",
         "schemas": [{"output": "killer", "mode": "strict", "columns": [{"name": "n", "type": "int64", "nullable": false}]}]}
        """

    func setup() throws -> (Workspace, StoredScope, PluginDirectory, URL) {
        let base = try TemporaryFolder.create("dead")
        let data = base.appendingPathComponent("data")
        for name in ["a.csv", "b.csv", "poison.csv"] { try TestSupport.write("n\n1\n2\n", to: data.appendingPathComponent(name)) }
        try TestSupport.write(Self.parser, to: base.appendingPathComponent("plugins/killer/parser.py"))
        try TestSupport.write(Self.contract, to: base.appendingPathComponent("plugins/killer/contract.json"))
        let ws = try Workspace.create(at: base)
        let scope = try ws.createScope(ScopeDefinition(name: "d", root: data.path, include: ["*.csv"])).scope
        let plugin = try ws.plugin(named: "killer", pluginsDirectory: base.appendingPathComponent("plugins"))
        return (ws, scope, plugin, data)
    }

    func pool() -> WorkerPool {
        WorkerPool(
            environment: WorkerEnvironment(
                pythonExecutable: "/usr/bin/python3", workerExecutable: WorkerEnvironment.defaultWorkerExecutable()), size: 2)
    }

    func attempts(_ data: URL, _ name: String) throws -> Int {
        try String(contentsOf: data.appendingPathComponent(name + ".attempts"), encoding: .utf8).count
    }

    @Test func retriesRunOutThenTheFileIsSetAsideUntilForcedOrFixed() async throws {
        let (ws, scope, plugin, data) = try setup()
        let pool = pool()
        defer { pool.shutdown() }

        let first = try await ws.execute(plugin: plugin, scope: scope, pool: pool)
        #expect(first.filesOK == 2 && first.filesFailed == 1)
        #expect(try attempts(data, "poison.csv") == 3, "1 try + 2 retries on fresh workers")
        #expect(try attempts(data, "a.csv") == 1)
        #expect(first.deadLettered.map { URL(fileURLWithPath: $0).lastPathComponent } == ["poison.csv"])
        #expect(first.failures.first?.message.contains("after 3 attempts") == true)

        let dead = try ws.files(status: .dead)
        #expect(dead.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["poison.csv"])
        let letter = try #require(dead.first?.deadLetters.first)
        #expect(letter.plugin == "killer" && letter.attempts == 3 && letter.category == "crash" && letter.kind == .execute)
        #expect(letter.history.count == 3 && letter.history.allSatisfy { $0.contains("signal 9") })

        // The same parser version does not try it again…
        let second = try await ws.execute(plugin: plugin, scope: scope, pool: pool)
        #expect(second.filesDeadLettered == 1 && second.filesSkipped == 2 && second.status == .failed)
        #expect(try attempts(data, "poison.csv") == 3)
        // …unless forced, which tries (and retries) it again.
        var force = ExecuteOptions()
        force.force = true
        _ = try await ws.execute(plugin: plugin, scope: scope, pool: pool, options: force)
        #expect(try attempts(data, "poison.csv") == 6)

        // A fixed parser (a new version) tries it; passing takes it off the list.
        let fixed = Self.parser.replacingOccurrences(of: "os.kill(os.getpid(), signal.SIGKILL)", with: "pass")
        try TestSupport.write(fixed, to: plugin.parserURL)
        let newVersion = try PluginDirectory(url: plugin.url)
        let third = try await ws.execute(plugin: newVersion, scope: scope, pool: pool)
        #expect(third.status == .done && third.filesOK == 3 && third.filesDeadLettered == 0)
        #expect(try ws.files(status: .dead).isEmpty)
    }

    @Test func aBacktestPutsTheFileOnTheListWithItsHistory() async throws {
        let (ws, scope, plugin, _) = try setup()
        let pool = pool()
        defer { pool.shutdown() }
        let result = try await ws.backtest(plugin: plugin, scope: scope, pool: pool)
        let poison = try #require(result.report.results.first { $0.path.hasSuffix("poison.csv") })
        #expect(poison.status == .failed && poison.attempts == 3 && poison.earlierAttempts?.count == 2)
        let letters = try ws.deadLetters(plugin: "killer")
        #expect(letters.count == 1 && letters.first?.kind == .backtest)
        // History: the high-failure entry the backtest recorded, then every attempt.
        #expect(letters.first?.history.count == 4, "\(letters.first?.history ?? [])")
        #expect(letters.first?.history.first?.contains("iteration 1") == true)
    }
}
