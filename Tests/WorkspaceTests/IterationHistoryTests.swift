import Backtest
import CasparianCore
import CasparianTestSupport
import Catalog
import Foundation
import GRDB
import PluginHost
import Testing
import Workspace

/// Each parser version is an iteration; a backtest carries the history of
/// all of them, read from the previous run's stored summary (or, for runs
/// stored before summaries existed, from its whole report).
@Suite("Backtest iteration history", .serialized)
struct IterationHistoryTests {
    func version(_ n: Int) -> String {
        """
        pattern = "*.csv"
        def parse(path):
            # version \(n)
            if \(n) < 3 and path.endswith("b.csv"):
                raise ValueError("bad")
            yield {"n": 1}
        """
    }

    @Test func historyGrowsByIterationAlsoPastARunWithoutASummary() async throws {
        let base = try TemporaryFolder.create("iterations")
        defer { try? FileManager.default.removeItem(at: base) }
        let data = base.appendingPathComponent("data")
        for name in ["a.csv", "b.csv"] { try TestSupport.write("x\n", to: data.appendingPathComponent(name)) }
        let parser = base.appendingPathComponent("plugins/it/parser.py")
        let ws = try Workspace.create(at: base)
        let scope = try ws.createScope(ScopeDefinition(name: "s", root: data.path, include: ["*.csv"])).scope
        let pool = WorkerPool(
            environment: WorkerEnvironment(
                pythonExecutable: "/usr/bin/python3",
                workerExecutable: WorkerEnvironment.defaultWorkerExecutable()), size: 1)
        defer { pool.shutdown() }
        var options = BacktestOptions()
        options.failFast = false

        var results: [WorkspaceBacktest] = []
        for n in 1...3 {
            try TestSupport.write(version(n), to: parser)
            let plugin = try ws.plugin(named: "it", pluginsDirectory: base.appendingPathComponent("plugins"))
            results.append(try await ws.backtest(plugin: plugin, scope: scope, pool: pool, options: options))
            if n == 1 {
                // As if stored before summaries: the next run reads the whole report.
                let catalogFile = base.appendingPathComponent(".casparian/catalog.sqlite").path
                let db = try DatabaseQueue(path: catalogFile)
                try await db.write { try $0.execute(sql: "UPDATE runs SET summary_json = NULL") }
            }
        }
        #expect(results.map { $0.report.iteration } == [1, 2, 3])
        #expect(results[2].iterations.map(\.iteration) == [1, 2, 3])
        #expect(results[2].iterations.map(\.passRate) == [0.5, 0.5, 1.0])
        #expect(results[1].iterations.map(\.iteration) == [1, 2], "iteration 1 came from the report of a run without a summary")
    }
}
