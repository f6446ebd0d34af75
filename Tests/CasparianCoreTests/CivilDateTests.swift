import CasparianCore
import Testing

@Suite("Calendar and value text")
struct CivilDateTests {
    @Test(arguments: [
        (1970, 1, 1, 0), (2000, 3, 1, 11017), (2024, 2, 29, 19782), (1969, 12, 31, -1), (1, 1, 1, -719_162),
    ])
    func daysSinceEpoch(year: Int, month: Int, day: Int, days: Int) {
        let d = CivilDate(year: year, month: month, day: day)
        #expect(d.daysSinceEpoch == days)
        #expect(CivilDate(daysSinceEpoch: days) == d)
    }

    @Test func roundTripsEveryDayOverFourCenturies() {
        for days in stride(from: -146_097, through: 146_097, by: 1) {
            let d = CivilDate(daysSinceEpoch: days)
            guard d.daysSinceEpoch == days, d.isValid else {
                Issue.record("day \(days) → \(d)")
                return
            }
        }
    }

    @Test func validityKnowsLeapYears() {
        #expect(CivilDate(year: 2024, month: 2, day: 29).isValid)
        #expect(!CivilDate(year: 2023, month: 2, day: 29).isValid)
        #expect(!CivilDate(year: 1900, month: 2, day: 29).isValid)
        #expect(CivilDate(year: 2000, month: 2, day: 29).isValid)
        #expect(!CivilDate(year: 2024, month: 13, day: 1).isValid)
        #expect(!CivilDate(year: 2024, month: 4, day: 31).isValid)
    }

    @Test func cellText() {
        #expect(CellValue.null.text == nil)
        #expect(CellValue.float(2).text == "2.0")
        #expect(CellValue.time(micros: 3_600_000_001).text == "01:00:00.000001")
        #expect(CellValue.timestamp(micros: -1).text == "1969-12-31T23:59:59.999999")
        #expect(CellValue.timestampTZ(micros: 0, offsetSeconds: 19800).text == "1970-01-01T05:30:00+05:30")
        #expect(CellValue.timestampTZ(micros: 0, offsetSeconds: 0).text == "1970-01-01T00:00:00Z")
        #expect(CellValue.string(String(repeating: "x", count: 100)).truncatedText(10) == "xxxxxxxxxx…")
    }

    @Test func rowBatchIsColumnar() {
        var b = RowBatch(output: "o", columnNames: ["a", "b"])
        b.append(row: [.int(1), .string("x")])
        b.append(row: [.null, .string("y")])
        #expect(b.rowCount == 2)
        #expect(b[column: "b"] == [.string("x"), .string("y")])
        #expect(b.row(1) == [.null, .string("y")])
    }
}
