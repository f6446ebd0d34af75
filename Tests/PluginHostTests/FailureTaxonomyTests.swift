import CasparianCore
import CasparianTestSupport
import Foundation
import PluginHost
import Testing
import WireProtocol

/// One test per way a plugin can fail. After each, the same pool must parse
/// a good file correctly.
@Suite("Failure taxonomy", .serialized)
struct FailureTaxonomyTests {
    static func limits() -> WorkerLimits {
        var l = WorkerLimits()
        // Under a sanitizer a worker starts and stops several times slower.
        l.fileTimeout = .seconds(Sanitizer.slowdown)
        l.killGrace = .seconds(Sanitizer.slowdown)
        l.memoryLimitBytes = 1 << 30
        l.rssLimitBytes = 700 << 20
        return l
    }
    let pool = WorkerPool(environment: Fixtures.environment(), limits: FailureTaxonomyTests.limits(), size: 1)

    /// Runs the bad plugin, then a good one on the same pool.
    func failing(_ name: String) async throws -> PluginFailure {
        let file = try Fixtures.csvFile()
        let parsed = try await pool.parseOne(try Fixtures.plugin(name), file.path)
        let failure = try #require(parsed.outcome?.failure, "\(name) should fail")
        let good = try await pool.parseOne(try Fixtures.plugin("good"), file.path)
        #expect(good.outcome == .parsed(rows: ["good": 2]), "pool did not recover after \(name)")
        #expect(good.rows("good") == [[.string("1"), .string("Ana")], [.string("2"), .string("Bo")]])
        return failure
    }

    @Test func raiseGivesTypeMessageTracebackAndPluginLine() async throws {
        let f = try await failing("raises")
        #expect(f.category == .pluginError)
        #expect(f.errorType == "KeyError")
        #expect(f.line == 5)
        #expect(f.pluginFile?.hasSuffix("raises/parser.py") == true)
        #expect(f.traceback?.contains("line 5, in parse") == true)
        #expect(f.traceback?.contains("casparian-bootstrap") == false)
    }

    @Test func chainedExceptionKeepsBothTracebacksWithTheirSourceLines() async throws {
        let f = try await failing("chained")
        #expect(f.errorType == "RuntimeError")
        #expect(f.message == "header of input.csv is unreadable")
        #expect(f.line == 9)
        let tb = try #require(f.traceback)
        // CPython's own layout: the cause first, then the exception it caused.
        #expect(tb.hasPrefix("Traceback (most recent call last):\n"))
        #expect(tb.contains("line 3, in number\n    return int(text)\n"))
        #expect(tb.contains("ValueError: invalid literal for int() with base 10: 'abc'"))
        #expect(tb.contains("The above exception was the direct cause of the following exception:"))
        #expect(tb.hasSuffix("RuntimeError: header of input.csv is unreadable\n"))
        #expect(!tb.contains("casparian-bootstrap"))
    }

    /// Whether this test process (and so its workers) runs under a sanitizer (make sanitize).
    static let underSanitizer = Sanitizer.active

    @Test func segfaultIsACrashWithItsSignal() async throws {
        let f = try await failing("segfault")
        if Self.underSanitizer {
            // The sanitizer's handler takes the SEGV, reports it (make sanitize
            // sets that report aside) and ends the worker with an exit status.
            #expect(f.category == .exit)
        } else {
            #expect(f.category == .crash)
            #expect(f.signal == SIGSEGV)
        }
        #expect(f.attempts == 1, "a segfault of the plugin comes back the same way: no retry")
    }

    @Test func workerKilledFromOutsideIsRetriedOnAFreshWorker() async throws {
        let file = try Fixtures.csvFile()
        let retried = RetryLog()
        let parsed = try await pool.parseOne(try Fixtures.plugin("killedonce"), file.path, onRetry: retried.add)
        // The rows of the killed attempt are forgotten: only the second attempt's two rows.
        #expect(parsed.outcome == .parsed(rows: ["killedonce": 2]))
        #expect(parsed.rows("killedonce") == [[.int(1)], [.int(2)]])
        #expect(retried.failures.map(\.category) == [.crash])
        #expect(retried.failures.first?.signal == SIGKILL)
    }

    @Test func retriesAreBoundedAndTheFinalFailureCarriesEveryAttempt() async throws {
        let file = try Fixtures.csvFile()
        let f = try await failing("killedalways")
        _ = f
        let parsed = try await pool.parseOne(try Fixtures.plugin("killedalways"), file.path)
        let failure = try #require(parsed.outcome?.failure)
        #expect(failure.category == .crash)
        #expect(failure.attempts == 3)
        #expect(failure.earlierAttempts.count == 2)
        #expect(failure.exhaustedRetries)
        #expect(failure.summary.contains("after 3 attempts"))
        let attempts = try String(contentsOfFile: file.path + ".attempts", encoding: .utf8)
        #expect(attempts == "xxx", "the plugin ran \(attempts.count) times, not 1 + transientRetries")
    }

    @Test func noRetriesWhenTheLimitIsZero() async throws {
        var limits = Self.limits()
        limits.transientRetries = 0
        let own = WorkerPool(environment: Fixtures.environment(), limits: limits, size: 1)
        defer { own.shutdown() }
        let file = try Fixtures.csvFile()
        let failure = try #require(try await own.parseOne(try Fixtures.plugin("killedalways"), file.path).outcome?.failure)
        #expect(failure.attempts == 1)
        #expect(try String(contentsOfFile: file.path + ".attempts", encoding: .utf8) == "x")
    }

    @Test func osExitIsAnExitWithItsCode() async throws {
        let f = try await failing("osexit")
        #expect(f.category == .exit)
        #expect(f.exitCode == 3)
    }

    @Test func sysExitIsReportedAsExit() async throws {
        let f = try await failing("sysexit")
        #expect(f.category == .exit)
        #expect(f.exitCode == 4)
        #expect(f.line == 3)
    }

    @Test func keyboardInterruptIsAPluginError() async throws {
        let f = try await failing("keyboard")
        #expect(f.category == .pluginError)
        #expect(f.errorType == "KeyboardInterrupt")
    }

    @Test func busyLoopIsSoftStoppedWithATraceback() async throws {
        let f = try await failing("busyloop")
        #expect(f.category == .timeout)
        #expect(f.attempts == 3, "a timeout is retried (the machine may have been overloaded), twice by default")
        // ThreadSanitizer defers a signal's handler to the thread's next call
        // it intercepts, which a loop of Python bytecode (libpython is not
        // instrumented) never makes: the soft stop cannot land, the kill does.
        guard !Sanitizer.thread else { return }
        #expect(f.errorType == "CasparianTimeout")
        #expect(f.line == 2 || f.line == 3)  // the loop's jump back reports the `while` line
    }

    @Test func sleepIsSoftStopped() async throws {
        let f = try await failing("sleeper")
        #expect(f.category == .timeout)
        #expect(f.line == 3)
    }

    @Test func pluginThatSwallowsTheSoftStopIsKilled() async throws {
        let f = try await failing("stubborn")
        #expect(f.category == .timeout)
        #expect(f.message.contains("was killed"))
    }

    /// Page faults are slow on these machines (~400 MB/s), so memory tests
    /// use small limits and a generous deadline.
    func memoryPool(addressSpace: Int, resident: Int) -> WorkerPool {
        var l = Self.limits()
        l.fileTimeout = .seconds(30)
        l.memoryLimitBytes = addressSpace
        l.rssLimitBytes = resident
        return WorkerPool(environment: Fixtures.environment(), limits: l, size: 1)
    }

    /// A worker under a sanitizer goes without the address-space limit (see
    /// `WorkerMain.runsUnderSanitizer`); the test process is built alike.
    @Test(
        .disabled(
            if: underSanitizer,
            "under a sanitizer (make sanitize) workers have no address-space limit"))
    func memoryBombHitsTheAddressSpaceLimitAsMemoryError() async throws {
        let pool = memoryPool(addressSpace: 600 << 20, resident: 4 << 30)
        let file = try Fixtures.csvFile()
        let parsed = try await pool.parseOne(try Fixtures.plugin("membomb"), file.path)
        let f = try #require(parsed.outcome?.failure)
        #expect(f.category == .memory)
        #expect(f.errorType == "MemoryError")
        #expect(try await pool.parseOne(try Fixtures.plugin("good"), file.path).outcome == .parsed(rows: ["good": 2]))
    }

    @Test func memoryBombPastTheResidentLimitIsKilled() async throws {
        let pool = memoryPool(addressSpace: 8 << 30, resident: 300 << 20)
        let file = try Fixtures.csvFile()
        let parsed = try await pool.parseOne(try Fixtures.plugin("membomb"), file.path)
        let f = try #require(parsed.outcome?.failure)
        #expect(f.category == .memory)
        #expect(f.message.contains("300 MiB"))
        #expect(try await pool.parseOne(try Fixtures.plugin("good"), file.path).outcome == .parsed(rows: ["good": 2]))
    }

    @Test func nonDaemonThreadDoesNotBlockTheFileOrThePool() async throws {
        let file = try Fixtures.csvFile()
        let parsed = try await pool.parseOne(try Fixtures.plugin("thread"), file.path)
        #expect(parsed.outcome == .parsed(rows: ["thread": 1]))
        let good = try await pool.parseOne(try Fixtures.plugin("good"), file.path)
        #expect(good.outcome == .parsed(rows: ["good": 2]))
    }

    @Test func childProcessIsKilledWithTheWorker() async throws {
        let file = try Fixtures.csvFile()
        let own = WorkerPool(environment: Fixtures.environment(), limits: Self.limits(), size: 1)
        let parsed = try await own.parseOne(try Fixtures.plugin("child"), file.path)
        #expect(parsed.outcome?.failure?.category == .pluginError)
        let childPID = try #require(Int32(String(contentsOfFile: file.path + ".pid", encoding: .utf8)))
        #expect(isRunning(childPID))
        own.shutdown()
        try await waitUntil { !isRunning(childPID) }
        #expect(!isRunning(childPID), "the plugin's child outlived its worker")
    }

    @Test func printsNeverReachTheProtocolAndShowInTheStderrTail() async throws {
        let file = try Fixtures.csvFile()
        let parsed = try await pool.parseOne(try Fixtures.plugin("printer"), file.path)
        #expect(parsed.outcome == .parsed(rows: ["printer": 1]))
        #expect(parsed.rows("printer") == [[.int(1)]])
        let f = try await failing("raises")
        _ = f
    }

    @Test func stderrTailIsAttachedToFailures() async throws {
        let file = try Fixtures.csvFile()
        let parsed = try await pool.parseOne(try Fixtures.plugin("osexit"), file.path)
        #expect(parsed.outcome?.failure?.category == .exit)
        // printer's output arrives on stderr; a crash after printing keeps it.
        let segv = try await pool.parseOne(try Fixtures.plugin("segfault"), file.path)
        // faulthandler prints the Python stack of the crash, with the plugin's line.
        let tail = segv.outcome?.failure?.stderrTail ?? []
        #expect(tail.contains { $0.contains("Fatal Python error: Segmentation fault") })
        #expect(tail.contains { $0.contains("segfault/parser.py\", line 4") })
    }
}

func isRunning(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
    // Field 3 is the state; a zombie has exited.
    guard let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
}

func waitUntil(seconds: Double = 5, _ condition: () -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
}
