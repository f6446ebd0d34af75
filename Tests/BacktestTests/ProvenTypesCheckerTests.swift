import CasparianCore
import CasparianTestSupport
import Foundation
import Inference
import Testing

@testable import Backtest

/// Generated CSV corpora run through a real plugin on the worker pool, judged
/// without a contract.
enum ProvenTypesFixtures {
    /// Integers become `int`, decimals `float`, empty text `None`, the rest stays `str`.
    static let typedParser = """
        \"\"\"Typed rows from small CSV files.\"\"\"
        import csv
        pattern = "**/*.csv"

        def value(text):
            for convert in (int, float):
                try:
                    return convert(text)
                except ValueError:
                    pass
            return None if text == "" else text

        def parse(path):
            with open(path, newline="") as f:
                for rec in csv.DictReader(f):
                    yield {k: value(v) for k, v in rec.items()}
        """

    /// A corpus folder with the files (name → CSV text) and the `typed` plugin beside it.
    static func corpus(_ files: [String: String]) throws -> (plugin: PluginDirectory, root: String, files: [String]) {
        let dir = try TemporaryFolder.create("proven")
        let data = dir.appendingPathComponent("data")
        for (name, text) in files {
            let url = data.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let pluginDir = dir.appendingPathComponent("plugins/typed")
        try FileManager.default.createDirectory(at: pluginDir, withIntermediateDirectories: true)
        try Data(typedParser.utf8).write(to: pluginDir.appendingPathComponent("parser.py"))
        return (try PluginDirectory(url: pluginDir), data.path, files.keys.map { data.appendingPathComponent($0).path }.sorted())
    }

    /// Runs every file (two lanes, no fail-fast) against `checker`.
    static func backtest(_ files: [String: String], checker: any OutputChecker) async throws -> BacktestReport {
        let corpus = try corpus(files)
        var options = BacktestOptions()
        options.parallelism = 2
        options.failFast = false
        let engine = BacktestFixtures.engine(store: InMemoryHighFailureStore(), options: options)
        defer { engine.pool.shutdown() }
        return try await engine.run(
            BacktestRequest(
                plugin: corpus.plugin, files: corpus.files, corpusRoot: corpus.root,
                scopeKey: "proven", checker: checker))
    }

    /// `count` files `a-0.csv`… of `id,qty` with integer quantities.
    static func integerFiles(_ count: Int) -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: (0..<count).map { i in
                ("a-\(i).csv", "id,qty\n" + (1...5).map { "\(i * 10 + $0),\($0 * 3)" }.joined(separator: "\n") + "\n")
            })
    }
}

extension BacktestReport {
    func result(named name: String) -> FileResult? { results.first { $0.path.hasSuffix("/" + name) } }
}

@Suite("Backtest without a contract: proven types")
struct ProvenTypesCheckerTests {
    @Test func aStringInAColumnTheOthersProveInt64IsATypeMismatch() async throws {
        var files = ProvenTypesFixtures.integerFiles(5)
        files["z-bad.csv"] = "id,qty\n1,4\n2,5\n3,oops\n4,6\n"
        let report = try await ProvenTypesFixtures.backtest(files, checker: ProvenTypesChecker())
        #expect(report.judgedBy == "proven types (accumulated)")
        #expect(report.filesPassed == 5)
        let bad = try #require(report.result(named: "z-bad.csv"))
        #expect(bad.status == .failed)
        #expect(bad.category == .typeMismatch)
        let problem = try #require(bad.problems.first)
        #expect(problem.column == "qty")
        #expect(problem.row == 3)
        #expect(problem.got == "oops")
        #expect(problem.expected == "int64")
        #expect(bad.message?.contains("of proven types (accumulated)") == true)
        #expect(report.clusters.first?.column == "qty")
    }

    @Test func dayFirstDatesAmongMonthFirstOnesAreAFormatMismatch() async throws {
        var files: [String: String] = [:]
        for i in 0..<4 { files["us-\(i).csv"] = "id,day\n1,03/25/2024\n2,01/13/2024\n3,0\(i + 1)/02/2024\n" }
        files["z-eu.csv"] = "id,day\n1,03/04/2024\n2,25/03/2024\n"
        let report = try await ProvenTypesFixtures.backtest(files, checker: ProvenTypesChecker())
        #expect(report.filesPassed == 4)
        let eu = try #require(report.result(named: "z-eu.csv"))
        #expect(eu.category == .formatMismatch)
        let problem = try #require(eu.problems.first)
        #expect(problem.column == "day")
        #expect(problem.row == 2)
        #expect(problem.got == "25/03/2024")
        #expect(problem.expected == "date %m/%d/%Y")
        #expect(report.clusters.first?.suggestion.contains("day-first") == true)
    }

    @Test func aConsistentCorpusPasses() async throws {
        var files = ProvenTypesFixtures.integerFiles(4)
        // Nulls where none were seen yet, a text column, a column that only later files have.
        files["b-0.csv"] = "id,qty\n1,\n2,7\n"
        files["c-0.csv"] = "id,qty,note\n1,2,first\n2,3,\n"
        files["c-1.csv"] = "id,qty,note\n3,4,second one\n"
        let report = try await ProvenTypesFixtures.backtest(files, checker: ProvenTypesChecker())
        #expect(report.status == .passed, "\(report.results.filter { $0.status == .failed }.map { $0.message ?? "" })")
        #expect(report.filesPassed == 7)
    }

    @Test func integersWidenToFloatInAnAccumulatedProof() async throws {
        var files = ProvenTypesFixtures.integerFiles(4)
        files["z-fraction.csv"] = "id,qty\n1,2.5\n2,3\n"
        let report = try await ProvenTypesFixtures.backtest(files, checker: ProvenTypesChecker())
        #expect(report.status == .passed, "\(report.results.compactMap(\.message))")
    }

    @Test func aStoredDiscoveryJudgesMissingColumnsNullsExtrasAndNarrowTypes() async throws {
        let discovery = DiscoveryResult(
            files: 3, rows: 9,
            outputs: [
                OutputInference(
                    name: "typed",
                    columns: [
                        ColumnInference(name: "id", type: .int64, nullable: false, status: .resolved),
                        ColumnInference(name: "qty", type: .int64, nullable: false, status: .resolved),
                        ColumnInference(name: "note", type: .string, nullable: true, status: .resolved),
                    ])
            ])
        let files = [
            "fine.csv": "id,qty,note\n1,2,x\n2,3,\n",
            "no-note.csv": "id,qty\n1,2\n",
            "no-qty.csv": "id,note\n1,x\n2,y\n",
            "null-id.csv": "id,qty,note\n1,2,x\n,3,y\n",
            "extra.csv": "id,qty,note,color\n1,2,x,\n2,3,y,red\n",
            "fraction.csv": "id,qty,note\n1,2.5,x\n",
        ]
        let report = try await ProvenTypesFixtures.backtest(
            files, checker: ProvenTypesChecker(baseline: .discovery(id: "disc_test", result: discovery)))
        #expect(report.judgedBy == "proven types (discovery disc_test)")
        #expect(report.result(named: "fine.csv")?.status == .passed)
        #expect(report.result(named: "no-note.csv")?.status == .passed, "a nullable column may be missing")
        let missing = try #require(report.result(named: "no-qty.csv")?.problems.first)
        #expect(missing.category == .missingColumn)
        #expect(missing.column == "qty")
        #expect(missing.row == 1)
        let null = try #require(report.result(named: "null-id.csv")?.problems.first)
        #expect(null.category == .nullNotAllowed)
        #expect(null.column == "id")
        #expect(null.row == 2)
        let extra = try #require(report.result(named: "extra.csv")?.problems.first)
        #expect(extra.category == .extraColumn)
        #expect(extra.column == "color")
        #expect(extra.row == 2)
        #expect(extra.got == "red")
        let fraction = try #require(report.result(named: "fraction.csv")?.problems.first)
        #expect(fraction.category == .typeMismatch, "a discovery's int64 is int64 alone")
        #expect(fraction.got == "2.5")
    }
}

/// The accumulated proof's bookkeeping, without workers: file checks fed
/// and finished in the order parallel lanes could produce.
@Suite("Proven types: an accumulated proof across lanes")
struct AccumulatedProofTests {
    func batch(_ column: String, _ values: [String], output: String = "out") -> RowBatch {
        RowBatch(output: output, columnNames: [column], columns: [values.map { .string($0) }])
    }

    @Test func aFileCheckedAlongsideOneThatNarrowedTheProofTheOtherWayFails() throws {
        let checker = ProvenTypesChecker()
        let seed = checker.makeFileCheck(file: "/c/seed.csv")
        seed.consume(batch("day", ["01/02/2024", "03/04/2024"]))
        #expect(seed.finish(limit: 20).problems.isEmpty)
        // Both start from the ambiguous proof (month-first or day-first)…
        let monthFirst = checker.makeFileCheck(file: "/c/us.csv")
        let dayFirst = checker.makeFileCheck(file: "/c/eu.csv")
        monthFirst.consume(batch("day", ["01/02/2024", "03/25/2024"]))
        dayFirst.consume(batch("day", ["01/02/2024", "25/03/2024"]))
        // …the first to finish decides it; the other no longer fits.
        #expect(monthFirst.finish(limit: 20).problems.isEmpty)
        let problem = try #require(dayFirst.finish(limit: 20).problems.first)
        #expect(problem.category == .formatMismatch)
        #expect(problem.column == "day")
        #expect(problem.row == 2)
        #expect(problem.got == "25/03/2024")
        #expect(checker.proof(of: "out")?[column: "day"]?.hypotheses.candidates == [.init(type: .date, format: "%m/%d/%Y")])
    }

    @Test func onlyPassingFilesJoinTheProofAndMissingColumnsFollowIt() throws {
        let checker = ProvenTypesChecker()
        let bad = checker.makeFileCheck(file: "/c/bad.csv")
        bad.consume(RowBatch(output: "out", columnNames: ["n", "m"], columns: [[.int(1), .string("x")], [.int(1), .string("y")]]))
        let first = checker.makeFileCheck(file: "/c/a.csv")
        first.consume(
            RowBatch(output: "out", columnNames: ["n", "m"], columns: [[.int(1), .int(2), .int(3)], [.int(1), .int(2), .int(3)]]))
        #expect(first.finish(limit: 20).problems.isEmpty)
        // `bad` started before `a` proved anything: its text m fails when it finishes, and does not join.
        #expect(bad.finish(limit: 20).problems.first?.category == .typeMismatch)
        #expect(checker.proof(of: "out")?[column: "m"]?.hypotheses.types.contains(.int64) == true)
        // Every passing file had m so far: a file without it fails.
        let noM = checker.makeFileCheck(file: "/c/b.csv")
        noM.consume(RowBatch(output: "out", columnNames: ["n"], columns: [[.int(4)]]))
        #expect(noM.finish(limit: 20).problems.first?.category == .missingColumn)
        // A column that appears later is optional.
        let withK = checker.makeFileCheck(file: "/c/c.csv")
        withK.consume(RowBatch(output: "out", columnNames: ["n", "m", "k"], columns: [[.int(5)], [.int(5)], [.string("new")]]))
        #expect(withK.finish(limit: 20).problems.isEmpty)
        let noK = checker.makeFileCheck(file: "/c/d.csv")
        noK.consume(RowBatch(output: "out", columnNames: ["n", "m"], columns: [[.int(6)], [.int(6)]]))
        #expect(noK.finish(limit: 20).problems.isEmpty)
    }
}
