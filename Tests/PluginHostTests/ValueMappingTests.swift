import CasparianCore
import Foundation
import PluginHost
import Testing

@Suite("Python values crossing to the host")
struct ValueMappingTests {
    let pool = WorkerPool(environment: Fixtures.environment(), size: 1)

    @Test func everyBasicKindMapsToItsValue() async throws {
        let file = try Fixtures.csvFile()
        let parsed = try await pool.parseOne(try Fixtures.plugin("values"), file.path)
        #expect(parsed.outcome == .parsed(rows: ["values": 1]))
        let row = try #require(parsed.rows("values").first)
        #expect(parsed.columns("values") == ["none", "t", "f", "i", "neg", "big", "fl", "nan", "s", "d", "dt", "dtz", "tm", "b", "dec"])
        #expect(row[0] == .null)
        #expect(row[1] == .bool(true))  // bool is checked before int
        #expect(row[2] == .bool(false))
        #expect(row[3] == .int(42))
        #expect(row[4] == .int(-7))
        #expect(row[5] == .int(Int64.max))
        #expect(row[6] == .float(1.5))
        if case .float(let d) = row[7] { #expect(d.isNaN) } else { Issue.record("NaN did not stay a float: \(row[7])") }
        #expect(row[8] == .string("héllo wörld ✓ 日本"))
        #expect(row[9].text == "2024-02-29")
        #expect(row[10].text == "2024-03-01T13:45:30.123456")
        #expect(
            row[11]
                == .timestampTZ(
                    micros: (CivilDate(year: 2024, month: 3, day: 1).daysSinceEpoch * 86_400 + 18 * 3600 + 45 * 60 + 30).asMicros,
                    offsetSeconds: -5 * 3600))
        #expect(row[11].text == "2024-03-01T13:45:30-05:00")
        #expect(row[12].text == "23:59:58")
        #expect(row[13] == .bytes([0x00, 0xff]))
        #expect(row[14] == .decimal("12.3400"))
    }

    @Test func integerBeyondInt64IsAnErrorNamingColumnAndRow() async throws {
        let file = try Fixtures.csvFile()
        let parsed = try await pool.parseOne(try Fixtures.plugin("overflow"), file.path)
        let failure = try #require(parsed.outcome?.failure)
        #expect(failure.category == .badOutput)
        #expect(failure.column == "amount")
        #expect(failure.row == 2)
        #expect(failure.message.contains("does not fit in 64 bits"))
    }

    @Test func tuplesAndSeveralOutputsAndContext() async throws {
        let file = try Fixtures.csvFile()
        let parsed = try await pool.parseOne(try Fixtures.plugin("multi"), file.path)
        #expect(parsed.outcome == .parsed(rows: ["multi": 3, "refunds": 2]))
        #expect(parsed.columns("multi") == ["id", "amount"])
        #expect(parsed.rows("multi").map { $0[1] } == [.float(0), .float(1.5), .float(3)])
        #expect(parsed.rows("refunds") == [[.int(7), .string("damaged")], [.int(8), .string("late")]])
        #expect(parsed.logs.contains { $0.level == "warning" && $0.message.contains(file.path) })
        #expect(parsed.progress.contains { $0.fraction == 0.5 && $0.message == "halfway" })
    }

    @Test func aNamedOutputBeforeThePluginsOwnKeepsItsRows() async throws {
        let plugin = try Fixtures.plugin("named_first")
        let both = try Fixtures.csvFile("both\n")
        let parsed = try await pool.parseOne(plugin, both.path)
        #expect(parsed.outcome == .parsed(rows: ["named_first": 1, "refunds": 2]))
        #expect(parsed.rows("refunds") == [[.int(1), .string("late")], [.int(2), .string("lost")]])
        #expect(parsed.rows("named_first") == [[.string("a-1"), .int(3)]])
        // A plugin that yields only named rows reports only them.
        let only = try await pool.parseOne(plugin, try Fixtures.csvFile("only\n").path)
        #expect(only.outcome == .parsed(rows: ["refunds": 2]))
        #expect(only.rows("named_first").isEmpty)
    }

    @Test func dictRowsKeepKeyOrderAndMarkMissingKeysAbsent() async throws {
        let file = try Fixtures.csvFile("a,b\n1,2\n")
        let parsed = try await pool.parseOne(try Fixtures.plugin("good"), file.path)
        #expect(parsed.rows("good") == [[.string("1"), .string("2")]])
    }

    @Test func dictRowsOfEveryShapeLandInTheirColumns() async throws {
        let file = try Fixtures.csvFile()
        let parsed = try await pool.parseOne(try Fixtures.plugin("dictshapes"), file.path)
        #expect(parsed.outcome == .parsed(rows: ["dictshapes": 9]))
        #expect(parsed.columns("dictshapes") == ["a", "b", "c"])
        // Rows before the new column keep the narrower width: absent pads them on the host.
        let rows = parsed.rows("dictshapes").map { Array($0.prefix(2)) }
        #expect(
            rows.prefix(5) == [
                [.int(0), .string("x0")], [.int(1), .string("x1")], [.int(2), .string("x2")],
                [.int(10), .string("swapped")], [.int(11), .absent],
            ])
        #expect(
            parsed.rows("dictshapes").dropFirst(5) == [
                [.int(12), .string("y"), .float(1.5)], [.int(13), .string("z"), .float(2.5)],
                [.int(14), .absent, .float(3.5)], [.int(15), .string("rebuilt"), .float(4.5)],
            ])

        let bad = try await pool.parseOne(try Fixtures.plugin("dictshapes"), try Fixtures.csvFile("bad\n").path)
        let failure = try #require(bad.outcome?.failure)
        #expect(failure.category == .badOutput)
        #expect(failure.column == "c" && failure.row == 10)
        #expect(failure.message.contains("object"))
    }

    @Test(.enabled(if: Fixtures.venvPython != nil, "needs the test venv (make test)"))
    func pandasDataFrame() async throws {
        let venvPool = WorkerPool(environment: Fixtures.environment(python: Fixtures.venvPython!), size: 1)
        let parsed = try await venvPool.parseOne(try Fixtures.plugin("pandasframe"), try Fixtures.csvFile().path)
        #expect(parsed.outcome == .parsed(rows: ["pandasframe": 3]))
        #expect(parsed.columns("pandasframe") == ["i", "f", "s", "ts"])
        let rows = parsed.rows("pandasframe")
        try #require(rows.count == 3)
        #expect(
            rows[0] == [
                .int(1), .float(0.5), .string("a"),
                .timestamp(micros: CivilDate(year: 2024, month: 1, day: 1).daysSinceEpoch.asMicros * 86_400),
            ])
        #expect(rows[2][0] == .null)  // pd.NA in an Int64 column
        #expect(rows[1][2] == .null)  // a missing str is NaN in pandas: null in a frame
        #expect(rows[1][3] == .null)  // NaT
    }

    @Test(.enabled(if: Fixtures.venvPython != nil, "needs the test venv (make test)"))
    func arrowTableAndNumpyScalars() async throws {
        let venvPool = WorkerPool(environment: Fixtures.environment(python: Fixtures.venvPython!), size: 1)
        let file = try Fixtures.csvFile().path
        let arrow = try await venvPool.parseOne(try Fixtures.plugin("arrowtable"), file)
        #expect(arrow.outcome == .parsed(rows: ["arrowtable": 3]))
        try #require(arrow.rows("arrowtable").count == 3)
        #expect(arrow.rows("arrowtable")[1] == [.int(2), .null, .string("y")])
        let numpy = try await venvPool.parseOne(try Fixtures.plugin("numpyvalues"), file)
        #expect(numpy.outcome == .parsed(rows: ["numpyvalues": 1]))
        try #require(numpy.rows("numpyvalues").count == 1)
        #expect(numpy.rows("numpyvalues")[0][0] == .int(5))
        #expect(numpy.rows("numpyvalues")[0][1] == .float(0.25))
        #expect(numpy.rows("numpyvalues")[0][2] == .bool(true))
        #expect(numpy.rows("numpyvalues")[0][3].text == "2024-01-02T03:04:05")
    }
}

extension Int {
    var asMicros: Int64 { Int64(self) * 1_000_000 }
}

@Suite("Warm workers across files")
struct WarmWorkerTests {
    @Test(arguments: ["multi", "good", "values"])
    func aReusedWorkerDeclaresColumnsAgainForEveryFile(plugin: String) async throws {
        let pool = WorkerPool(environment: Fixtures.environment(), size: 1)
        let first = try Fixtures.csvFile("id,name\n1,a\n")
        let second = try Fixtures.csvFile("id,name\n2,b\n3,c\n")
        let c = try await pool.parse(try Fixtures.plugin(plugin), [first.path, second.path, first.path])
        for i in 0..<3 {
            guard case .parsed(let rows)? = c[i].outcome else {
                Issue.record("file \(i) of \(plugin): \(String(describing: c[i].outcome))")
                continue
            }
            #expect(rows.values.reduce(0, +) > 0)
            #expect(!c[i].batches.isEmpty)
        }
        #expect(c[1].rows(plugin).count == (plugin == "good" ? 2 : c[0].rows(plugin).count))
    }
}
