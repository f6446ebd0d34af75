import CasparianCore
import CasparianTestSupport
import Catalog
import Foundation
import PluginHost
import Testing

@testable import Backtest

#if canImport(FoundationXML)
    import FoundationXML
#endif

enum BacktestFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func plugin(_ name: String) throws -> PluginDirectory {
        try PluginDirectory(url: root.appendingPathComponent("plugins/\(name)"))
    }

    /// A plugin folder `sales` in a temporary place with the parser of fixture
    /// `source` — call again with another source to "fix" the same plugin.
    static func editablePlugin(at dir: URL, source: String) throws -> PluginDirectory {
        let target = dir.appendingPathComponent("sales")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let text = try Data(contentsOf: root.appendingPathComponent("plugins/\(source)/parser.py"))
        try text.write(to: target.appendingPathComponent("parser.py"))
        return try PluginDirectory(url: target)
    }

    /// `count` files in two folders; the ones in `bad` contain the word bad.
    static func corpus(count: Int, bad: Set<Int>) throws -> (root: String, files: [String]) {
        let dir = try TemporaryFolder.create("bt")
        var files: [String] = []
        for i in 0..<count {
            let folder = dir.appendingPathComponent(bad.contains(i) ? "eu" : "us")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let f = folder.appendingPathComponent(String(format: "file-%03d.txt", i))
            try Data((bad.contains(i) ? "1\nbad\n" : "1\n2\n").utf8).write(to: f)
            files.append(f.path)
        }
        return (dir.path, files.sorted())
    }

    static func engine(store: any HighFailureStore, options: BacktestOptions = BacktestOptions()) -> BacktestEngine {
        let env = WorkerEnvironment(pythonExecutable: "/usr/bin/python3", workerExecutable: WorkerEnvironment.defaultWorkerExecutable())
        return BacktestEngine(pool: WorkerPool(environment: env, size: 2), store: store, options: options)
    }
}

@Suite("Backtest engine")
struct BacktestEngineTests {
    @Test func firstRunThenFailFastThenFixedRunsKnownBadFirst() async throws {
        let bad: Set<Int> = [3, 11, 17, 25, 29, 33]
        let corpus = try BacktestFixtures.corpus(count: 40, bad: bad)
        let store = InMemoryHighFailureStore()
        var options = BacktestOptions()
        options.parallelism = 2
        let engine = BacktestFixtures.engine(store: store, options: options)
        let pluginHome = URL(fileURLWithPath: corpus.root).appendingPathComponent("plugins")
        let flaky = try BacktestFixtures.editablePlugin(at: pluginHome, source: "flaky")
        func request(_ p: PluginDirectory, _ iteration: Int) -> BacktestRequest {
            BacktestRequest(plugin: p, files: corpus.files, corpusRoot: corpus.root, scopeKey: "corpus", checker: nil, iteration: iteration)
        }

        // (a) The first backtest: every file tested, six fail.
        let first = try await engine.run(request(flaky, 1))
        #expect(first.filesTested == 40)
        #expect(first.filesFailed == 6)
        #expect(first.status == .failed)
        #expect(!first.earlyStopped)
        #expect(abs(first.passRate - 34.0 / 40.0) < 1e-9)
        #expect(first.categories == ["plugin_error": 6])
        let cluster = try #require(first.clusters.first)
        #expect(cluster.files == 6)
        #expect(cluster.filePattern == "eu/")
        #expect(cluster.pattern.contains("ValueError"))

        // (b) Same parser again: the known-bad files go first and still fail: stop early.
        let again = try await engine.run(request(flaky, 2))
        #expect(again.earlyStopped)
        #expect(again.knownBadTested >= 5)
        #expect(again.knownBadPassed == 0)
        #expect(again.filesSkipped > 20)
        #expect(again.stopReason?.contains("fail-fast") == true)
        #expect(Array(again.results.prefix(5)).allSatisfy { $0.prior == .failing })
        // On a fresh host (a one-shot command), such a run starts one worker, not one per lane.
        let fresh = BacktestFixtures.engine(store: store, options: options)
        defer { fresh.pool.shutdown() }
        let once = try await fresh.run(request(flaky, 2))
        #expect(once.earlyStopped && once.knownBadPassed == 0)
        #expect(fresh.pool.liveWorkerPIDs.count == 1)

        // (c) The fix: known-bad first, all pass, then the rest: green.
        let fixedPlugin = try BacktestFixtures.editablePlugin(at: pluginHome, source: "fixed")
        #expect(fixedPlugin.name == flaky.name && fixedPlugin.version != flaky.version)
        let fixed = try await engine.run(request(fixedPlugin, 3))
        #expect(fixed.status == .passed)
        #expect(fixed.passRate == 1)
        #expect(fixed.filesTested == 40)
        #expect(fixed.results.prefix(6).allSatisfy { $0.prior == .failing && $0.status == .passed })
        #expect(fixed.knownBadVerdictMilliseconds != nil)

        // Afterwards the formerly failing files are resolved and go right after any failing ones.
        let plan = try engine.plan(request(flaky, 4))
        #expect(plan.prefix(6).allSatisfy { $0.state == .resolved })
    }

    @Test func noFailFastRunsEverything() async throws {
        let corpus = try BacktestFixtures.corpus(count: 12, bad: [0, 1, 2, 3, 4, 5])
        let store = InMemoryHighFailureStore()
        var options = BacktestOptions()
        options.failFast = false
        let engine = BacktestFixtures.engine(store: store, options: options)
        let req = BacktestRequest(
            plugin: try BacktestFixtures.plugin("flaky"), files: corpus.files, corpusRoot: corpus.root,
            scopeKey: "k", checker: nil)
        _ = try await engine.run(req)
        let second = try await engine.run(req)
        #expect(!second.earlyStopped)
        #expect(second.filesTested == 12)
    }

    @Test func shardsCoverTheCorpusExactlyOnce() throws {
        let corpus = try BacktestFixtures.corpus(count: 50, bad: [])
        var seen: [String] = []
        for k in 1...4 {
            var options = BacktestOptions()
            options.shard = try Shard(parsing: "\(k)/4")
            let engine = BacktestFixtures.engine(store: InMemoryHighFailureStore(), options: options)
            let plan = try engine.plan(
                BacktestRequest(
                    plugin: try BacktestFixtures.plugin("fixed"), files: corpus.files,
                    corpusRoot: corpus.root, scopeKey: "k", checker: nil))
            #expect(!plan.isEmpty)
            seen += plan.map(\.path)
        }
        #expect(seen.sorted() == corpus.files)
    }

    @Test(arguments: ["0/4", "5/4", "a/b", "1/0", "1", ""])
    func badShardIsAUsageError(_ text: String) {
        #expect(throws: CasparianError.self) { try Shard(parsing: text) }
    }

    @Test func catalogStoreKeepsCountsAndHistory() throws {
        let dir = try TemporaryFolder.create("hf")
        let catalog = try Catalog(url: dir.appendingPathComponent("catalog.sqlite"))
        let store = CatalogHighFailureStore(catalog: catalog)
        let a = dir.appendingPathComponent("a.csv").path
        let b = dir.appendingPathComponent("b.csv").path
        func result(_ p: String, _ ok: Bool) -> FileResult {
            FileResult(path: p, status: ok ? .passed : .failed, prior: .new, category: ok ? nil : .pluginError, message: ok ? nil : "boom")
        }
        try store.record(plugin: "p", scopeKey: "s", iteration: 1, parserVersion: "v1", results: [result(a, false), result(b, true)])
        try store.record(plugin: "p", scopeKey: "s", iteration: 2, parserVersion: "v2", results: [result(a, false)])
        var h = try store.history(plugin: "p", scopeKey: "s", paths: [a, b, "/never"])
        #expect(h[a] == .failing(consecutiveFailures: 2))
        #expect(h[b] == .passing)
        #expect(h["/never"] == nil)
        try store.record(plugin: "p", scopeKey: "s", iteration: 3, parserVersion: "v3", results: [result(a, true)])
        h = try store.history(plugin: "p", scopeKey: "s", paths: [a])
        #expect(h[a] == .resolved)
        let history = try catalog.failureHistory(plugin: "p", scopeKey: "s", path: a)
        #expect(history.count == 2)
        #expect(history.allSatisfy { $0.resolved && $0.resolvedBy == "v3" })
        #expect(try catalog.highFailures(plugin: "p", scopeKey: "s")[a]?.failureCount == 2)
        // Another scope has its own table.
        #expect(try store.history(plugin: "p", scopeKey: "other", paths: [a]).isEmpty)
    }
}

@Suite("Failure analysis and iteration verdicts")
struct AnalysisTests {
    @Test func dayFirstDatesAreNamed() {
        let results =
            (0..<27).map { i in
                FileResult(
                    path: "/c/2023/eu/f\(i).csv", status: .failed, prior: .new, category: .pluginError,
                    message: "plugin_error: ValueError: time data '2\(i % 8)/03/2023' does not match format '%m/%d/%Y'")
            } + [FileResult(path: "/c/2023/us/ok.csv", status: .passed, prior: .new)]
        let clusters = FailureAnalysis.clusters(of: results, relativeTo: "/c")
        #expect(clusters.count == 1)
        #expect(clusters[0].files == 27)
        #expect(clusters[0].filePattern == "2023/eu/")
        #expect(clusters[0].suggestion.contains("27 files under `2023/eu/` use day-first dates"))
        #expect(clusters[0].pattern.contains("'%m/%d/%Y'"))
    }

    @Test func bareNumbersAreMaskedAndNumbersInsideWordsAreNot() {
        #expect(FailureAnalysis.maskBareNumbers("row 12 of 3400: x2 v2023 2023-01-05 _7 12ab") == "row N of N: x2 v2023 N-N-N _7 12ab")
        #expect(FailureAnalysis.maskBareNumbers("42") == "N")
        #expect(FailureAnalysis.maskBareNumbers("") == "")
        #expect(FailureAnalysis.maskBareNumbers("étage 5é ٣") == "étage 5é ٣")
        // Rows with different numbers and values group under one pattern.
        #expect(FailureAnalysis.mask("row 3: bad value 'x17' in 'amount'") == FailureAnalysis.mask("row 9: bad value 'x99' in 'amount'"))
        #expect(FailureAnalysis.mask("row 3: bad value 'x17' in 'amount'") == "row N: bad value '…' in 'amount'")
    }

    @Test func violationsClusterByColumn() {
        let r = FileResult(
            path: "/c/a.csv", status: .failed, prior: .new, category: .nullNotAllowed, message: "x",
            problems: [
                FileProblem(category: .nullNotAllowed, message: "null in amount", column: "amount", row: 3),
                FileProblem(category: .nullNotAllowed, message: "null in amount", column: "amount", row: 9),
            ])
        let clusters = FailureAnalysis.clusters(of: [r], relativeTo: "/c")
        #expect(clusters.count == 1)
        #expect(clusters[0].files == 1)
        #expect(clusters[0].suggestion.contains("nullable"))
    }

    @Test func verdicts() {
        var policy = IterationPolicy()
        policy.maxIterations = 5
        policy.plateauWindow = 2
        func s(_ i: Int, _ rate: Double) -> IterationSummary {
            IterationSummary(
                iteration: i, parserVersion: "v\(i)", passRate: rate, filesPassed: 0, filesFailed: 0,
                categories: [:], durationMilliseconds: 100, earlyStopped: false)
        }
        #expect(policy.verdict(history: []) == .continuing)
        #expect(policy.verdict(history: [s(1, 0.5), s(2, 1.0)]) == .passRateReached)
        #expect(policy.verdict(history: [s(1, 0.5), s(2, 0.7)]) == .continuing)
        #expect(policy.verdict(history: [s(1, 0.7), s(2, 0.6), s(3, 0.7)]) == .plateau)
        #expect(policy.verdict(history: (1...5).map { s($0, 0.1 * Double($0)) }) == .maxIterations)
        #expect(policy.verdict(history: [s(1, 0.5)], cancelled: true) == .stoppedByUser)
        policy.timeBudgetMilliseconds = 150
        #expect(policy.verdict(history: [s(1, 0.5), s(2, 0.6)]) == .timeout)
    }

    @Test func junitIsWellFormedAndEscaped() throws {
        let report = BacktestReport(
            runID: nil, plugin: "sales<&>", parserVersion: "1", contractVersion: 2, iteration: 1, status: .failed, passRate: 0.5,
            filesTotal: 3, filesTested: 2, filesPassed: 1, filesFailed: 1, filesSkipped: 1, earlyStopped: true,
            stopReason: "fail-fast", knownBadTested: 1, knownBadPassed: 0, categories: ["plugin_error": 1], clusters: [],
            results: [
                FileResult(path: "/c/a.csv", status: .passed, prior: .new),
                FileResult(
                    path: "/c/b.csv", status: .failed, prior: .failing, category: .pluginError,
                    message: "ValueError: \"x\" < 3 \u{1}", traceback: "Traceback…"),
            ],
            durationMilliseconds: 1500, knownBadVerdictMilliseconds: 10)
        let xml = JUnitReport.xml(for: [report], corpusRoot: "/c")
        let doc = try XMLDocument(xmlString: xml)
        let cases = try doc.nodes(forXPath: "//testcase")
        #expect(cases.count == 3)
        let failure = try #require(try doc.nodes(forXPath: "//failure").first as? XMLElement)
        #expect(failure.attribute(forName: "type")?.stringValue == "plugin_error")
        #expect(failure.attribute(forName: "message")?.stringValue?.contains("\"x\" < 3") == true)
        #expect(try doc.nodes(forXPath: "//skipped").count == 1)
        #expect((try doc.nodes(forXPath: "//testsuite").first as? XMLElement)?.attribute(forName: "name")?.stringValue == "sales<&>")
    }
}
