import CasparianCore
import Testing

@testable import Inference

@Suite("Constraint solver rules")
struct ConstraintSolverTests {
    @Test func integersResolveToInt64() {
        let r = solve(["1", "-42", "+7", "9223372036854775807"])
        #expect(r.status == .resolved)
        #expect(r.type == .int64)
        #expect(r.format == nil)
        #expect(!r.nullable)
    }

    @Test func decimalsResolveToFloat64WithEvidence() throws {
        let r = solve(["1", "2.5", "1e3", "-0.25"])
        #expect(r.status == .resolved)
        #expect(r.type == .float64)
        let e = try #require(r.evidence.first { $0.eliminated.contains("int64") })
        #expect(e.value == "2.5")
        #expect(e.row == 1)
        #expect(e.file == "a.csv")
    }

    @Test func nullSentinelsKeepANumericColumnNumeric() {
        let r = solve(["1.5", "N/A", "2", "", "NULL", "3.25"])
        #expect(r.type == .float64)
        #expect(r.status == .resolved)
        #expect(r.nullable)
        #expect(Set(r.nullSentinels) == ["N/A", "", "NULL"])
        #expect(r.nullCount == 3)
        #expect(r.valuesAnalysed == 3)
    }

    @Test func leadingZerosAreIdentifiers() throws {
        let r = solve(["02138", "10001", "94105"])
        #expect(r.type == .string)
        #expect(r.status == .resolved)
        let e = try #require(r.evidence.first { $0.eliminated.contains("int64") })
        #expect(e.value == "02138")
        #expect(e.reason.contains("leading zero"))
    }

    @Test func integersBeyondInt64AreNotInt64() throws {
        let r = solve(["1", "9223372036854775808"])
        #expect(r.type == .string)
        let e = try #require(r.evidence.first { $0.eliminated.contains("int64") })
        #expect(e.reason.contains("int64 range"))
        #expect(solve(["-9223372036854775808"]).type == .int64)
    }

    /// Policy: 0 and 1 read alike as boolean and as int64, so nobody is
    /// asked; int64 is chosen and the note says how to choose boolean.
    @Test func zeroOneIsInt64WithANoteUnlessValuesDecide() throws {
        let r = solve(["0", "1", "1", "0"], name: "flag")
        #expect(r.status == .resolved && r.type == .int64 && r.format == nil && r.question == nil)
        #expect(Set(r.candidates.map(\.type)) == [.boolean, .int64])
        let note = try #require(r.note)
        #expect(note.contains("boolean") && note.contains("--answer flag=boolean"))
        #expect(solve(["0", "1", "2"]).type == .int64)
        #expect(solve(["0", "1", "true"]).type == .boolean)
        #expect(solve(["yes", "No", "Y", "n"]).type == .boolean)
    }

    @Test func dayMonthOrderIsAskedWhenValuesCannotDecide() throws {
        let r = solve(["03/04/2024", "01/02/2023", "12/11/2022"], name: "order_date")
        #expect(r.status == .ambiguous)
        #expect(r.type == .date)
        #expect(Set(r.candidates.compactMap(\.format)) == ["%m/%d/%Y", "%d/%m/%Y"])
        let q = try #require(r.question)
        #expect(q.contains("%m/%d/%Y") && q.contains("%d/%m/%Y") && q.contains("03/04/2024"))
    }

    @Test func anImpossibleMonthDecidesWithEvidence() throws {
        let r = solve(["03/04/2024", "25/03/2024", "01/02/2023"])
        #expect(r.status == .resolved)
        #expect(r.type == .date)
        #expect(r.format == "%d/%m/%Y")
        let e = try #require(r.evidence.first { $0.eliminated.contains("date %m/%d/%Y") })
        #expect(e.value == "25/03/2024")
        #expect(e.row == 1)
        #expect(e.reason.contains("month 25"))
    }

    @Test func leapYearsAreChecked() {
        #expect(solve(["2024-02-29", "2023-03-01"]).format == "%Y-%m-%d")
        let r = solve(["2023-02-29", "2023-03-01"])
        #expect(r.type != .date)
    }

    @Test func timesAndTimestamps() {
        #expect(solve(["10:30", "23:59"]).type == .time)
        #expect(solve(["10:30", "24:00"]).type == .string)
        let twelve = solve(["1:05 PM", "12:00 AM"])
        #expect(twelve.type == .time && twelve.format == "%I:%M %p")
        let iso = solve(["2024-03-15T10:30:00", "2024-03-15T10:30:00.250"])
        #expect(iso.type == .timestamp && iso.format == "%Y-%m-%dT%H:%M:%S.%f")
        let whole = solve(["2024-03-15 10:30:00", "2024-03-16 11:00:00"])
        #expect(whole.type == .timestamp && whole.format == "%Y-%m-%d %H:%M:%S")
        let tz = solve(["2024-03-15T10:30:00Z", "2024-03-15T10:30:00+02:00"])
        #expect(tz.type == .timestampTZ && tz.format == "%Y-%m-%dT%H:%M:%S%z")
    }

    @Test func monthNames() {
        #expect(solve(["Jan 5, 2024", "Mar 15, 2024"]).format == "%b %d, %Y")
        #expect(solve(["05-Jan-2024", "31-OCT-2023"]).format == "%d-%b-%Y")
    }

    @Test func typedValuesAreDirectEvidence() {
        #expect(solveTyped([.int(1), .int(2)]).type == .int64)
        #expect(solveTyped([.int(1), .float(2.5)]).type == .float64)
        #expect(solveTyped([.bool(true), .null]).type == .boolean)
        #expect(solveTyped([.bool(true), .null]).nullable)
        let d = solveTyped([.date(days: 1), .date(days: 2)])
        #expect(d.type == .date && d.format == nil && d.status == .resolved)
        #expect(solveTyped([.timestampTZ(micros: 0, offsetSeconds: 3600)]).type == .timestampTZ)
        #expect(solveTyped([.int(1), .string("x"), .int(3)]).type != .int64)
        let mixed = solveTyped([.date(days: 1), .string("2024-01-02")])
        #expect(mixed.type == .date && mixed.format == "%Y-%m-%d")
        let nan = solveTyped([.float(1.5), .float(.nan)])
        #expect(nan.type == .float64 && nan.nullable && nan.nullSentinels == ["NaN"])
    }

    @Test func absentKeysMakeAColumnNullable() {
        let r = solveTyped([.int(1), .absent, .int(2)])
        #expect(r.type == .int64 && r.nullable)
    }

    @Test func textColumnsResolveToString() {
        let r = solve(["Ana", "Bo", "Chloé"])
        #expect(r.type == .string && r.status == .resolved)
        let long = solve((0..<100).map { "name \($0)" })
        #expect(long.type == .string && long.status == .resolved)
    }

    /// Policy: a column with no values is string (the widest type),
    /// nullable, and says so; no question.
    @Test func onlyNullsResolveToNullableStringWithANote() throws {
        let r = solve([nil, "", "NA"], name: "col")
        #expect(r.status == .resolved && r.type == .string && r.format == nil && r.question == nil)
        #expect(r.nullable)
        let note = try #require(r.note)
        #expect(note.contains("no values") && note.contains("--answer col=TYPE"))
    }

    /// Policy: a few values that fit no type of the rest (a dirty
    /// minority, ZIP+4 codes among ZIP codes) make the column text, which
    /// loses nothing; the note names the rows, the type the rest fit and
    /// the answer that locks it.
    @Test func aFewBadRowsMakeTextWithANoteNamingThem() throws {
        var values: [String?] = (0..<200).map { String($0) }
        values[57] = "oops"
        let r = solve(values, name: "qty")
        #expect(r.status == .resolved && r.type == .string && r.question == nil)
        #expect(r.candidates.map(\.type) == [.int64])
        let bad = try #require(r.evidence.first { $0.value == "oops" })
        #expect(bad.row == 57)
        let note = try #require(r.note)
        #expect(note.contains("row 57") && note.contains("199 of 200") && note.contains("--answer qty=int64"))
        let zip = solve(["02138", "12345", "12345-6789", "90210"].map { Optional($0) } + (0..<40).map { _ in "10001" }, name: "zip")
        #expect(zip.type == .string && zip.status == .resolved && zip.note?.contains("12345-6789") == true)
    }

    /// Policy: a sentinel word among numbers is a null, as before (no question, no note).
    @Test func aSentinelAmongNumbersIsNull() {
        let r = solve(["1", "n/a", "3", "NA"], name: "n")
        #expect(r.type == .int64 && r.status == .resolved && r.nullable)
    }

    /// Policy: a time without seconds among times with them is the same
    /// time with 0 seconds: the column is time, with a note; a column of
    /// times all without seconds is the exact format without them.
    @Test func aTimeWithoutSecondsIsATime() throws {
        let r = solve((0..<30).map { _ in Optional("13:00:00") } + ["13:00"], name: "t")
        #expect(r.status == .resolved && r.question == nil && r.type == .time && r.format == "%H:%M:%S")
        #expect(try #require(r.note).contains("13:00"))
        let first = solve(["13:00", "13:00:05"], name: "t")
        #expect(first.type == .time && first.format == "%H:%M:%S", "the order of the values does not matter")
        let none = solve(["13:00", "14:30"], name: "t")
        #expect(none.type == .time && none.format == "%H:%M" && none.note == nil)
        let stamp = solve(["2024-01-02 13:00:05", "2024-01-02 13:00"], name: "ts")
        #expect(stamp.type == .timestamp && stamp.format == "%Y-%m-%d %H:%M:%S")
        // The validator reads it alike.
        let f = try #require(TemporalFormat(strftime: "%H:%M:%S"))
        #expect(f.parseAllowingMissingSeconds("13:00") == f.parse("13:00:00"))
        #expect(f.parseAllowingMissingSeconds("13") == nil && f.parseAllowingMissingSeconds("25:00") == nil)
    }

    /// Policy: date orders that read some value differently stay a question,
    /// with that value as the counterexample and the answer syntax.
    @Test func aGenuineDateOrderIsAskedWithItsCounterexample() throws {
        let r = solve(["04/04/2017", "04/11/2017", "05/06/2017"], name: "d")
        #expect(r.status == .ambiguous)
        let q = try #require(r.question)
        #expect(q.contains("04/11/2017") && q.contains("2017-04-11") && q.contains("2017-11-04") && q.contains("--answer d=date:"))
        // Every value with day and month equal reads the same either way: settled, with a note.
        let same = solve(["04/04/2017", "05/05/2017"], name: "d")
        #expect(same.status == .resolved && same.type == .date && same.note?.contains("--answer d=date:") == true)
    }

    @Test func filesThatDisagreeAreAContradictionWithTheDistribution() throws {
        var files: [String: [String?]] = [:]
        for k in 0..<5 { files["us/\(k).csv"] = ["01/15/2024", "02/28/2024", "03/04/2024"] }
        for k in 0..<2 { files["eu/\(k).csv"] = ["15/01/2024", "28/02/2024"] }
        files["mixed/x.csv"] = ["03/04/2024"]
        let r = solve("order_date", files: files)
        #expect(r.status == .contradiction)
        let q = try #require(r.question)
        #expect(q.contains("6 files month-first"))
        #expect(q.contains("2 files day-first"))
        #expect(q.contains("eu/0.csv") && q.contains("eu/1.csv"))
        let d = try #require(r.distribution)
        #expect(d.map(\.files) == [6, 2])
        #expect(Set(r.candidates.compactMap(\.format)) == ["%m/%d/%Y", "%d/%m/%Y"])
    }

    @Test func settledAfterEnoughValues() {
        var s = ConstraintSolver(name: "n")
        s.beginFile("f")
        for i in 0..<10 { s.feed(.string(String(i + 2)), row: i) }
        #expect(!s.isSettled(minValues: 100))
        #expect(s.isSettled(minValues: 10))
    }
}

@Suite("Constraint solver: text columns")
struct TextColumnSentinelTests {
    @Test func nullLookingWordsInTextColumnsAreData() {
        var values: [String?] = (0..<40).map { "instruction \($0)" }
        values[3] = "NONE"
        values[5] = ""
        let r = solve(values)
        #expect(r.type == .string)
        #expect(r.nullSentinels == [""])
        #expect(r.nullCount == 1)
        #expect(r.valuesAnalysed == 39)
        #expect(r.evidence.contains { $0.value == "NONE" })
    }
}
