import CasparianCore
import CasparianTestSupport
import Foundation
import GRDB
import PluginHost
import Testing

@testable import Catalog
@testable import Workspace

/// One run lifecycle for backtest, execute and discovery, and the workspace
/// as the front doors' one way to the catalog.
@Suite("Run lifecycle and the workspace façade", .serialized)
struct RunLifecycleTests {
    /// A workspace with a scope `sales` over two CSV files.
    static func setup() throws -> (Workspace, StoredScope, URL) {
        let base = try TemporaryFolder.create("lifecycle")
        let data = base.appendingPathComponent("data")
        try TestSupport.write("day,amount\n2024-01-02,3.5\n2024-01-03,4\n", to: data.appendingPathComponent("a.csv"))
        try TestSupport.write("day,amount\n2024-02-01,1\n", to: data.appendingPathComponent("b.csv"))
        let ws = try Workspace.create(at: base)
        let scope = try ws.createScope(ScopeDefinition(name: "sales", root: data.path)).scope
        return (ws, scope, base)
    }

    @Test func aDiscoveryIsAJobWithItsScope() async throws {
        let (ws, scope, _) = try Self.setup()
        let found = try await ws.discover(scope: scope, parser: .builtinCSV)
        let jobs = try ws.jobs()
        #expect(jobs.count == 1)
        let job = try #require(jobs.first)
        #expect(job.kind == .discover && job.status == .done && job.scopeID == scope.id && job.plugin == "csv")
        #expect(job.progress?.filesDone == 2 && job.progress?.filesTotal == 2)
        let detail = try ws.jobDetail(id: job.id)
        #expect(detail.resultJSON?.contains(try #require(found.discoveryID)) == true)
        // The discovery is stored with the scope it read.
        #expect(try ws.discovery(id: try #require(found.discoveryID)).scopeID == scope.id)
    }

    @Test func aDiscoveryOfPathsIsAJobToo() async throws {
        let (ws, _, base) = try Self.setup()
        let found = try await ws.discover(paths: [base.appendingPathComponent("data").path], parser: .builtinCSV)
        let job = try #require(try ws.jobs().first)
        #expect(job.kind == .discover && job.status == .done && job.scopeID == nil)
        #expect(try ws.discovery(id: try #require(found.discoveryID)).scopeID == nil)
    }

    @Test func aFailedDiscoveryEndsItsJobAsFailed() async throws {
        let (ws, _, base) = try Self.setup()
        await #expect(throws: CasparianError.self) {
            _ = try await ws.discover(paths: [base.appendingPathComponent("nowhere").path], parser: .builtinCSV)
        }
        let job = try #require(try ws.jobs().first)
        #expect(job.kind == .discover && job.status == .failed)
        #expect(try ws.jobDetail(id: job.id).resultJSON?.contains("nowhere") == true)
    }

    @Test func aDiscoveryIsCancelledThroughTheCatalog() async throws {
        let (ws, scope, base) = try Self.setup()
        // A plugin slow enough to be cancelled part-way.
        let plugins = base.appendingPathComponent("plugins")
        try TestSupport.write(
            """
            import os, time
            def parse(path):
                with open(os.path.join(os.path.dirname(__file__), "parsed.log"), "a") as log:
                    log.write(path + "\\n")
                time.sleep(0.4)
                yield {"n": 1}
            """, to: plugins.appendingPathComponent("slow/parser.py"))
        for i in 0..<12 { try TestSupport.write("x\n", to: base.appendingPathComponent("data/slow\(i).csv")) }
        _ = try ws.refreshScope(named: scope.definition.name)
        let plugin = try ws.plugin(named: "slow", pluginsDirectory: plugins)
        let env = WorkerEnvironment(pythonExecutable: "/usr/bin/python3", workerExecutable: WorkerEnvironment.defaultWorkerExecutable())
        let parser = DiscoveryParser.plugin(plugin, env)
        let run = try ws.openDiscoveryRun(parser: parser, scopeID: scope.id)
        let work = Task {
            try await ws.discover(scope: ws.resolveScope(scope.id), parser: parser, options: DiscoveryOptions(workers: 1), run: run)
        }
        try await Task.sleep(for: .milliseconds(900))
        // As `casparian jobs cancel` does from another process.
        _ = try ws.cancelJob(id: run.id)
        await #expect(throws: CancellationError.self) { _ = try await work.value }
        // Counted, not timed: the files the plugin began stop growing, short of all 14.
        let log = plugins.appendingPathComponent("slow/parsed.log")
        let begun = { ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").count }
        let atCancel = begun()
        try await Task.sleep(for: .seconds(1))
        #expect(begun() == atCancel)
        #expect(atCancel < 14, "the cancelled discovery went on to parse every file")
        let job = try ws.job(id: run.id)
        #expect(job.kind == .discover && job.status == .cancelled)
    }

    @Test func aRunEndsOnce() throws {
        let (ws, scope, _) = try Self.setup()
        let run = try ws.openRun(kind: .backtest, plugin: "p", scopeID: scope.id, parserVersion: "v1")
        try run.finish(status: .done, resultJSON: #"{"ok": true}"#)
        // A late failure (a front door's reply that could not be built) does not rewrite the end.
        run.fail(CasparianError(.internal, "too late"))
        let detail = try ws.jobDetail(id: run.id)
        #expect(detail.summary.status == .done && detail.resultJSON == #"{"ok": true}"#)
        run.recordReply(#"{"summary": "s"}"#)
        #expect(try ws.jobDetail(id: run.id).replyJSON == #"{"summary": "s"}"#)
    }

    @Test func theDiscoveryOfAPluginWhoseJobWasInterruptedStartsOver() throws {
        let (ws, scope, _) = try Self.setup()
        // A discovery left `running` by a process that is gone.
        let dead = try ws.catalog.startRun(kind: .discover, plugin: "csv", scopeID: scope.id, parserVersion: nil)
        let pid = try Self.deadPID()
        try ws.catalog.pool.write { db in try db.execute(sql: "UPDATE runs SET owner_pid = ? WHERE id = ?", arguments: [Int(pid), dead]) }
        #expect(try ws.job(id: dead).status == .interrupted)
        let error = #expect(throws: CasparianError.self) { _ = try ws.claimAndDescribeResume(dead) }
        #expect(error?.message.contains("starts over") == true)
        let run = try ws.openDiscoveryRun(parser: .builtinCSV, scopeID: scope.id)
        #expect(run.id != dead)
        #expect(try ws.job(id: dead).status == .cancelled, "closed as superseded, not left interrupted")
    }

    @Test func pluginsAreFoundOneWay() throws {
        let (ws, _, base) = try Self.setup()
        try TestSupport.write("def parse(path):\n    yield {}\n", to: ws.defaultPluginsDirectory.appendingPathComponent("sales/parser.py"))
        try TestSupport.write("def parse(path):\n    yield {}\n", to: base.appendingPathComponent("elsewhere/other/parser.py"))
        #expect(try ws.plugin(reference: "sales").name == "sales")
        #expect(try ws.plugin(reference: base.appendingPathComponent("elsewhere/other").path).name == "other")
        let missing = #expect(throws: CasparianError.self) { _ = try ws.plugin(reference: "nothing") }
        #expect(missing?.kind == .notFound && missing?.hint?.contains("sales") == true)
        let badPath = #expect(throws: CasparianError.self) { _ = try ws.plugin(reference: "./no/such/folder") }
        #expect(badPath?.kind == .notFound && badPath?.message.contains("no plugin folder") == true)
    }

    @Test func applyingAScopeCreatesThenRefreshesAndRefusesAnotherDefinition() throws {
        let (ws, scope, base) = try Self.setup()
        let data = base.appendingPathComponent("data").path
        let again = try ws.applyScope(ScopeDefinition(name: "sales", root: data))
        #expect(again.refreshed && again.report.scope.id == scope.id)
        let fresh = try ws.applyScope(ScopeDefinition(name: "other", root: data))
        #expect(!fresh.refreshed && fresh.report.scope.fileCount == 2)
        let conflict = #expect(throws: CasparianError.self) {
            _ = try ws.applyScope(ScopeDefinition(name: "sales", root: data, include: ["a*"]))
        }
        #expect(conflict?.kind == .conflict)
    }

    @Test func aContractIsFoundByItsID() async throws {
        let (ws, scope, _) = try Self.setup()
        let found = try await ws.discover(scope: scope, parser: .builtinCSV)
        let id = try #require(found.discoveryID)
        let request = try ws.approvalRequest(
            discoveryID: id, plugin: "sales", answers: [], overrides: [], excludedFiles: [], approvedBy: "test")
        _ = try ws.approve(discoveryID: id, request: request)
        let contract = try ws.contract(plugin: "sales")
        #expect(try ws.contract(id: contract.id) == contract)
        let error = #expect(throws: CasparianError.self) { _ = try ws.contract(id: "ctr_nothing") }
        #expect(error?.kind == .notFound)
        // The output a hand-written amendment changes: one rule for the CLI and MCP.
        let only = try #require(contract.schemas.first?.output)
        #expect(contract.schemas.count == 1)
        #expect(try ws.amendmentOutput(nil, plugin: "sales") == only)
        let unknown = #expect(throws: CasparianError.self) { _ = try ws.amendmentOutput("nope", plugin: "sales") }
        #expect(unknown?.kind == .usage && unknown?.hint?.contains(only) == true)
    }

    /// A process id that is not running.
    static func deadPID() throws -> Int32 {
        let process = try ProcessLaunch("/bin/true").start()
        _ = try process.wait()
        return process.pid
    }
}

extension Workspace {
    /// Claims an interrupted job and asks to resume it, without running it.
    fileprivate func claimAndDescribeResume(_ id: String) throws {
        let semaphore = DispatchSemaphore(value: 0)
        let box = ErrorBox()
        Task {
            do { _ = try await self.resumeJob(id: id) } catch { box.error = error }
            semaphore.signal()
        }
        semaphore.wait()
        if let e = box.error { throw e }
    }
}

private final class ErrorBox: @unchecked Sendable {
    var error: Error?
}
