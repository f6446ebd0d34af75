import CasparianCore
import Foundation
import PluginHost
import Testing

/// A warm worker parses file after file; each file's outputs are declared
/// again, because the host starts every file with no declarations.
@Suite("Worker reuse")
struct WorkerReuseTests {
    @Test func oneWorkerParsesSeveralFilesOfDictRows() async throws {
        let pool = WorkerPool(environment: Fixtures.environment(), size: 1)
        defer { pool.shutdown() }
        let files = try (0..<3).map { _ in try Fixtures.csvFile().path }
        let parsed = try await pool.parse(try Fixtures.plugin("good"), files)
        for i in 0..<3 {
            #expect(parsed[i].outcome == .parsed(rows: ["good": 2]), "file \(i): \(String(describing: parsed[i].outcome))")
            #expect(parsed[i].rows("good").count == 2)
        }
    }

    /// While the run asks to hold extra workers, its files go to the one
    /// worker it has; once it stops asking, the other lanes start theirs.
    @Test func heldLanesWaitForTheOneWorkerThenGrow() async throws {
        let plugin = try Fixtures.plugin("good")
        let files = try (0..<6).map { _ in try Fixtures.csvFile().path }
        for holding in [true, false] {
            let pool = WorkerPool(environment: Fixtures.environment(), size: 2)
            defer { pool.shutdown() }
            let done = Collector()
            try await pool.run(
                plugin: plugin, jobs: files.enumerated().map { ParseJob(index: $0, path: $1) },
                callbacks: ParseCallbacks(
                    onFinish: { j, o, _ in done.finish(j, o) },
                    holdExtraWorkers: { holding }))
            for i in files.indices { #expect(done[i].outcome == .parsed(rows: ["good": 2])) }
            // Every worker the run started is idle again afterwards.
            #expect(pool.liveWorkerPIDs.count == (holding ? 1 : 2), "holding \(holding)")
        }
    }

    /// A worker warmed ahead of need runs at the lowest CPU priority, every
    /// thread of it, and still parses.
    @Test func aWorkerWarmedNicedRunsAtTheLowestPriority() async throws {
        let plugin = try Fixtures.plugin("good")
        let pool = WorkerPool(environment: Fixtures.environment(), size: 1)
        defer { pool.shutdown() }
        pool.prewarm(plugin: plugin, count: 1, niceness: 19)
        let deadline = Date().addingTimeInterval(60)
        while pool.idleWorkerCount == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let pid = try #require(pool.liveWorkerPIDs.first)
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
        #expect(!tasks.isEmpty)
        for task in tasks {
            // Field 19 of stat, counted after the command's closing parenthesis.
            let stat = try String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8)
            let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
            #expect(fields[16] == "19", "thread \(task) of the worker")
        }
        let parsed = try await pool.parse(plugin, [try Fixtures.csvFile().path])
        #expect(parsed[0].outcome == .parsed(rows: ["good": 2]))
        #expect(pool.liveWorkerPIDs == [pid], "the niced worker parsed the file")
    }

    /// A listed run says once, when its first lane ends, that every file
    /// was handed out, with that lane's worker idle again (the backtest
    /// warms the previous version's worker and reads examples there).
    @Test func aListedRunSaysOnceWhenItsFirstLaneEnds() async throws {
        let plugin = try Fixtures.plugin("good")
        let files = try (0..<5).map { _ in try Fixtures.csvFile().path }
        for lanes in [1, 2] {
            let pool = WorkerPool(environment: Fixtures.environment(), size: 2)
            defer { pool.shutdown() }
            let done = Collector()
            let seen = Calls()
            let source = ListedJobs(files.enumerated().map { ParseJob(index: $0, path: $1) }) {
                seen.append((files.indices.filter { done[$0].outcome != nil }.count, pool.idleWorkerCount))
            }
            try await pool.run(
                plugin: plugin, source: source, parallelism: lanes,
                callbacks: ParseCallbacks(onFinish: { j, o, _ in done.finish(j, o) }))
            let calls = seen.all
            #expect(calls.count == 1, "\(lanes) lanes")
            #expect(!source.mayHaveMore)
            // One lane: it ends after the last file; two: one may still parse.
            #expect(calls.first.map { $0.finished >= files.count - (lanes - 1) } == true, "\(calls)")
            #expect(calls.first.map { $0.idle >= 1 } == true, "\(calls)")
        }
    }
}

private final class Calls: @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [(finished: Int, idle: Int)] = []
    func append(_ call: (finished: Int, idle: Int)) { lock.withLock { calls.append(call) } }
    var all: [(finished: Int, idle: Int)] { lock.withLock { calls } }
}
