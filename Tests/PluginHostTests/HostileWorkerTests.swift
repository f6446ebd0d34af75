import CasparianCore
import Foundation
import PluginHost
import Testing

/// Plugins that attack the host through the worker's process and pipes
/// (issue #24): every attack must end as a failure of that one file, at once,
/// and leave nothing running.
@Suite("Hostile workers", .serialized)
struct HostileWorkerTests {
    /// Default deadlines: a test that waits for one has failed.
    let pool = WorkerPool(environment: Fixtures.environment(), size: 1)

    func parsed(
        _ plugin: String, files: Int = 1, pool: WorkerPool? = nil,
        retries: RetryLog = RetryLog()
    ) async throws -> (Collector, [URL]) {
        let dir = try Fixtures.csvFile().deletingLastPathComponent()
        let urls = try (0..<files).map { i -> URL in
            let url = dir.appendingPathComponent("file-\(i).csv")
            try Data("id\n\(i)\n".utf8).write(to: url)
            return url
        }
        let c = try await (pool ?? self.pool).parse(try Fixtures.plugin(plugin), urls.map(\.path)) { retries.add($0) }
        return (c, urls)
    }

    @Test(.timeLimit(.minutes(3)))
    func anOversizedFrameFailsTheFileAtOnceAsBadOutput() async throws {
        let retries = RetryLog()
        let (c, _) = try await parsed("oversizedframe", retries: retries)
        let f = try #require(c[0].outcome?.failure)
        #expect(f.category == .badOutput, "\(f)")
        #expect(f.message.contains("protocol error"), "\(f)")
        #expect(retries.failures.isEmpty, "a protocol error is not transient")
    }

    @Test(.timeLimit(.minutes(3)))
    func aGarbageFrameFailsTheFileAtOnceAsBadOutput() async throws {
        let retries = RetryLog()
        let (c, _) = try await parsed("garbageframe", retries: retries)
        let f = try #require(c[0].outcome?.failure)
        #expect(f.category == .badOutput, "\(f)")
        #expect(f.message.contains("protocol error"), "\(f)")
        #expect(retries.failures.isEmpty)
    }

    /// Found with the frames fuzz harness: a rows frame claiming four billion
    /// rows of no columns once made the host allocate 96 GB and die.
    @Test(.timeLimit(.minutes(3)))
    func aRowCountNoPayloadCanHoldFailsTheFileAsBadOutput() async throws {
        let retries = RetryLog()
        let (c, _) = try await parsed("hugerowcount", retries: retries)
        let f = try #require(c[0].outcome?.failure)
        #expect(f.category == .badOutput, "\(f)")
        #expect(f.message.contains("rows frame claims 4294967295 rows"), "\(f)")
        #expect(retries.failures.isEmpty)
    }

    @Test(.timeLimit(.minutes(3)))
    func aForgedFileDoneFailsThatFileAndMislabelsNoRows() async throws {
        let (c, urls) = try await parsed("forgeddone", files: 3)
        let f = try #require(c[0].outcome?.failure, "the file whose plugin forged a frame must fail")
        #expect(f.category == .badOutput, "\(f)")
        #expect(f.message.contains("protocol error"), "\(f)")
        for i in 1..<3 {
            #expect(c[i].outcome == .parsed(rows: ["forgeddone": 1]), "file \(i): \(String(describing: c[i].outcome))")
            #expect(c[i].rows("forgeddone") == [[.string(urls[i].path)]], "file \(i) holds another file's rows")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func carriageReturnProgressIsReadInLinearTimeAndTheTailStaysBounded() async throws {
        let (c, _) = try await parsed("crprogress")
        let f = try #require(c[0].outcome?.failure)
        #expect(f.errorType == "RuntimeError")
        let tail = f.stderrTail.joined(separator: "\n")
        #expect(tail.utf8.count < 64 * 1024, "the tail holds \(tail.utf8.count) bytes")
        #expect(tail.contains("progress finished"))
    }

    @Test(.timeLimit(.minutes(3)))
    func aWorkerKilledWhileIdleFailsNothingAndIsReplaced() async throws {
        let own = WorkerPool(environment: Fixtures.environment(), size: 1)
        let file = try Fixtures.csvFile()
        let first = try await own.parseOne(try Fixtures.plugin("good"), file.path)
        #expect(first.outcome == .parsed(rows: ["good": 2]))
        let pid = try #require(own.liveWorkerPIDs.first)
        kill(pid, SIGKILL)
        try await waitUntil { !isRunning(pid) }
        // The write of the next request meets a dead pipe (EPIPE, never SIGPIPE).
        let second = try await own.parseOne(try Fixtures.plugin("good"), file.path)
        #expect(second.outcome == .parsed(rows: ["good": 2]), "\(String(describing: second.outcome))")
        own.shutdown()
    }

    @Test(.timeLimit(.minutes(3)))
    func aWorkerThatClosesItsDataPipeButRunsOnFailsAtOnce() async throws {
        let retries = RetryLog()
        let (c, _) = try await parsed("closesdata", retries: retries)
        let f = try #require(c[0].outcome?.failure)
        #expect(f.category == .badOutput, "\(f)")
        #expect(f.message.contains("closed its end of a pipe"), "\(f)")
        #expect(retries.failures.isEmpty)
    }

    @Test(.timeLimit(.minutes(3)))
    func aDaemonLeftByAnExitingWorkerNeitherBlocksTheHostNorOutlivesIt() async throws {
        let own = WorkerPool(environment: Fixtures.environment(), size: 1)
        let (c, urls) = try await parsed("daemon", pool: own)
        let f = try #require(c[0].outcome?.failure)
        #expect(f.category == .exit && f.exitCode == 3, "\(f)")
        let daemon = try #require(Int32(String(contentsOfFile: urls[0].path + ".pid", encoding: .utf8)))
        try await waitUntil { !isRunning(daemon) }
        #expect(!isRunning(daemon), "the plugin's daemon outlived its worker")
        if isRunning(daemon) { kill(daemon, SIGKILL) }
    }

    @Test(.timeLimit(.minutes(3)))
    func aDaemonOfALiveWorkerEndsWithTheWorker() async throws {
        let own = WorkerPool(environment: Fixtures.environment(), size: 1)
        let (c, urls) = try await parsed("daemonkept", pool: own)
        #expect(c[0].outcome == .parsed(rows: ["daemonkept": 1]), "\(String(describing: c[0].outcome))")
        let daemon = try #require(Int32(String(contentsOfFile: urls[0].path + ".pid", encoding: .utf8)))
        #expect(isRunning(daemon))
        try await waitUntil { FileManager.default.fileExists(atPath: urls[0].path + ".fds") }
        let fds = try? String(contentsOfFile: urls[0].path + ".fds", encoding: .utf8)
        #expect(fds == "closed closed", "a forked child keeps the protocol pipes: \(fds ?? "?")")
        own.shutdown()
        try await waitUntil { !isRunning(daemon) }
        #expect(!isRunning(daemon), "the plugin's daemon outlived its worker")
        if isRunning(daemon) { kill(daemon, SIGKILL) }
    }
}
