import CasparianTestSupport
import Catalog
import Contracts
import Foundation
import PluginHost
import Testing
import Workspace

/// Discover → approve → backtest → execute on plugin output that mixes
/// types and leaves keys out: what discovery proved, the contract approved
/// from it accepts on the same files.
@Suite("Discover, approve and run the same data", .serialized)
struct DiscoverApproveRunTests {
    static let parser = """
        pattern = "*.txt"
        def parse(path):
            for i, line in enumerate(open(path).read().split()):
                row = {"n": i, "code": int(line) if line.isdigit() else line, "flag": "yes" if i % 2 else "no"}
                if i % 3:
                    row["note"] = "n" + line
                yield row
        """

    @Test func whatDiscoveryProvesTheContractAccepts() async throws {
        let base = try TemporaryFolder.create("agree")
        let data = base.appendingPathComponent("data")
        try TestSupport.write("1\n2\n3\n", to: data.appendingPathComponent("a.txt"))
        try TestSupport.write("x\ny\n4\n", to: data.appendingPathComponent("b.txt"))
        let plugins = base.appendingPathComponent("plugins")
        try TestSupport.write(Self.parser, to: plugins.appendingPathComponent("mixed/parser.py"))
        let ws = try Workspace.create(at: base)
        let plugin = try ws.plugin(named: "mixed", pluginsDirectory: plugins)
        let env = WorkerEnvironment(pythonExecutable: "/usr/bin/python3", workerExecutable: WorkerEnvironment.defaultWorkerExecutable())

        let discovery = try await ws.discover(paths: [data.path], parser: .plugin(plugin, env), options: DiscoveryOptions(workers: 1))
        let columns = try #require(discovery.result.outputs.first?.columns)
        // Ints in one file, text in the other: the files disagree, and a person answers text.
        #expect(columns.first { $0.name == "code" }?.status == .contradiction)
        #expect(columns.first { $0.name == "code" }?.type == .string)
        #expect(columns.first { $0.name == "note" }?.nullable == true)
        let request = try ws.approvalRequest(
            discoveryID: try #require(discovery.discoveryID), plugin: "mixed", answers: ["code=string"],
            overrides: [], excludedFiles: [], approvedBy: "test")
        _ = try ws.approve(discoveryID: try #require(discovery.discoveryID), request: request, pluginsDirectory: plugins)

        let scope = try ws.createScope(ScopeDefinition(name: "m", root: data.path, include: ["*.txt"])).scope
        let pool = WorkerPool(environment: env, size: 1)
        defer { pool.shutdown() }
        let approved = try ws.plugin(named: "mixed", pluginsDirectory: plugins)
        let backtest = try await ws.backtest(plugin: approved, scope: scope, pool: pool)
        #expect(
            backtest.report.filesPassed == 2 && backtest.report.filesFailed == 0,
            "\(backtest.report.results.map { "\($0.path): \($0.problems.prefix(3).map(\.message))" })")
        let run = try await ws.execute(plugin: approved, scope: scope, pool: pool)
        #expect(run.status == .done && run.filesOK == 2 && run.rowsWritten == 6, "\(run.failures)")
    }
}
