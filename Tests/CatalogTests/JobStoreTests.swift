import CasparianCore
import CasparianTestSupport
import Foundation
import GRDB
import Testing

@testable import Catalog

@Suite("Jobs and file views in the catalog")
struct JobStoreTests {
    func catalogURL() throws -> URL {
        let dir = try TemporaryFolder.create("jobs")
        return dir.appendingPathComponent("catalog.sqlite")
    }

    /// The pid of a process that has exited and been reaped.
    func deadPID() throws -> Int32 {
        let process = try ProcessLaunch("/bin/true").start()
        _ = try process.wait()
        return process.pid
    }

    @Test func cancelRequestIsSeenThroughAnotherConnection() throws {
        let url = try catalogURL()
        let owner = try Catalog(url: url)
        let other = try Catalog(url: url)
        let id = try owner.startRun(kind: .execute, plugin: "p", scopeID: nil, parserVersion: "v1")
        #expect(try owner.isCancelRequested(id: id) == false)
        let after = try other.requestCancel(id: id)
        #expect(after.status == .running && after.cancelRequested)
        #expect(try owner.isCancelRequested(id: id))
        #expect(try other.jobs(statuses: [.running]).map(\.id) == [id])
    }

    @Test func finishedJobCannotBeCancelled() throws {
        let catalog = try Catalog(url: try catalogURL())
        let id = try catalog.startRun(kind: .backtest, plugin: "p", scopeID: nil, parserVersion: "v1")
        try catalog.finishRun(id: id, status: .done, resultJSON: "{}")
        do {
            try catalog.requestCancel(id: id)
            Issue.record("cancelled a finished job")
        } catch let e as CasparianError {
            #expect(e.kind == .conflict && e.message.contains("already finished"))
        }
        #expect(throws: CasparianError.self) { try catalog.requestCancel(id: "run_nope") }
    }

    @Test func runOfADeadProcessIsInterrupted() throws {
        let catalog = try Catalog(url: try catalogURL())
        let id = try catalog.startRun(kind: .execute, plugin: "p", scopeID: nil, parserVersion: "v1")
        #expect(try catalog.run(id: id).status == .running)
        let pid = try deadPID()
        try catalog.pool.write { db in try db.execute(sql: "UPDATE runs SET owner_pid = ? WHERE id = ?", arguments: [Int(pid), id]) }
        #expect(try catalog.run(id: id).status == .interrupted)
        #expect(try catalog.jobs(statuses: [.interrupted]).map(\.id) == [id])
        #expect(try catalog.requestCancel(id: id).status == .cancelled)
    }

    @Test func fileViewsShowLastResultPerPluginAndTags() throws {
        let catalog = try Catalog(url: try catalogURL())
        let a = "/data/a.csv"
        let b = "/data/b.csv"
        let c = "/data/c.csv"
        _ = try catalog.fileIDs(for: [a, b, c])
        try catalog.tag([FoundFile(path: a, size: 1, mtime: 0)], with: "reviewed")
        let r1 = try catalog.startRun(kind: .backtest, plugin: "p", scopeID: nil, parserVersion: "v1")
        try catalog.recordRunFiles(
            runID: r1,
            results: [
                RunFileRecord(path: a, status: .failed, category: "schema_violation", message: "bad", rows: 0, durationMs: 5),
                RunFileRecord(path: b, status: .passed, category: nil, message: nil, rows: 10, durationMs: 5),
            ])
        try catalog.finishRun(id: r1, status: .failed, resultJSON: nil)
        Thread.sleep(forTimeInterval: 0.01)
        let r2 = try catalog.startRun(kind: .execute, plugin: "p", scopeID: nil, parserVersion: "v2")
        try catalog.recordRunFiles(
            runID: r2,
            results: [RunFileRecord(path: a, status: .ok, category: "quarantined", message: "2 values quarantined", rows: 7, durationMs: 5)]
        )
        let r3 = try catalog.startRun(kind: .backtest, plugin: "q", scopeID: nil, parserVersion: "w1")
        try catalog.recordRunFiles(
            runID: r3, results: [RunFileRecord(path: b, status: .failed, category: "crash", message: "boom", rows: 0, durationMs: 5)])

        let views = try catalog.fileViews()
        #expect(views.map(\.path) == [a, b, c])
        #expect(views[0].tags == ["reviewed"])
        #expect(views[0].results.map(\.status) == [.quarantined], "the later execute replaces the failed backtest")
        #expect(views[0].results.first?.parserVersion == "v2")
        #expect(views[1].results.map { "\($0.plugin):\($0.status.rawValue)" } == ["p:ok", "q:failed"])
        #expect(views[2].results.isEmpty)
        #expect(try catalog.fileViews(tag: "reviewed").map(\.path) == [a])
        #expect(try catalog.fileViews(plugin: "q").first { $0.path == b }?.results.map(\.plugin) == ["q"])
    }
}
