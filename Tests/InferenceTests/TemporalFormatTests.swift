import CasparianCore
import Inference
import Testing

@Suite("Temporal formats")
struct TemporalFormatTests {
    func days(_ y: Int, _ m: Int, _ d: Int) -> Int32 { Int32(CivilDate(year: y, month: m, day: d).daysSinceEpoch) }

    @Test func compilesTypes() throws {
        #expect(try #require(TemporalFormat(strftime: "%Y-%m-%d")).type == .date)
        #expect(try #require(TemporalFormat(strftime: "%H:%M:%S")).type == .time)
        #expect(try #require(TemporalFormat(strftime: "%Y-%m-%dT%H:%M:%S.%f")).type == .timestamp)
        #expect(try #require(TemporalFormat(strftime: "%Y-%m-%dT%H:%M:%S%z")).type == .timestampTZ)
        #expect(try #require(TemporalFormat(strftime: "%I:%M %p")).type == .time)
        #expect(TemporalFormat(strftime: "%Y-%m-%d")?.pattern == "%Y-%m-%d")
    }

    @Test(arguments: ["", "%Y-%m", "%Q", "%Y-%m-%d %Y", "%I:%M", "%H:%M %p", "%Y-%m-%d%", "%H:%M%z", "%S", "%Y-%m-%d %z"])
    func refusesUnsupportedPatterns(_ pattern: String) {
        #expect(TemporalFormat(strftime: pattern) == nil)
    }

    @Test func parsesDates() throws {
        let iso = try #require(TemporalFormat(strftime: "%Y-%m-%d"))
        #expect(iso.parse("2024-03-15") == .date(days: days(2024, 3, 15)))
        #expect(iso.parse("2024-02-29") == .date(days: days(2024, 2, 29)))
        #expect(iso.parse("2023-02-29") == nil)
        #expect(iso.parse("2024-13-01") == nil)
        #expect(iso.parse("2024-04-31") == nil)
        #expect(iso.parse("2024-03-15x") == nil)
        #expect(iso.parse("24-03-15") == nil)
        let us = try #require(TemporalFormat(strftime: "%m/%d/%Y"))
        #expect(us.parse("3/4/2024") == .date(days: days(2024, 3, 4)))
        #expect(us.parse("25/03/2024") == nil)
        let compact = try #require(TemporalFormat(strftime: "%Y%m%d"))
        #expect(compact.parse("20240315") == .date(days: days(2024, 3, 15)))
        #expect(compact.parse("2024315") == nil)
        let short = try #require(TemporalFormat(strftime: "%d/%m/%y"))
        #expect(short.parse("05/01/69") == .date(days: days(1969, 1, 5)))
        #expect(short.parse("05/01/68") == .date(days: days(2068, 1, 5)))
    }

    @Test func parsesMonthAndWeekdayNames() throws {
        #expect(TemporalFormat(strftime: "%b %d, %Y")?.parse("Jan 5, 2024") == .date(days: days(2024, 1, 5)))
        #expect(TemporalFormat(strftime: "%d-%b-%Y")?.parse("05-JAN-2024") == .date(days: days(2024, 1, 5)))
        #expect(TemporalFormat(strftime: "%B %d, %Y")?.parse("September 30, 2023") == .date(days: days(2023, 9, 30)))
        #expect(TemporalFormat(strftime: "%B %d, %Y")?.parse("Sep 30, 2023") == nil)
        let rfc = try #require(TemporalFormat(strftime: "%a, %d %b %Y"))
        #expect(rfc.parse("Fri, 15 Mar 2024") == .date(days: days(2024, 3, 15)))
        #expect(rfc.parse("Mon, 15 Mar 2024") == nil)
    }

    @Test func parsesTimes() throws {
        let t = try #require(TemporalFormat(strftime: "%H:%M:%S"))
        #expect(t.parse("23:59:59") == .time(micros: 86_399_000_000))
        #expect(t.parse("24:00:00") == nil)
        #expect(t.parse("12:60:00") == nil)
        let twelve = try #require(TemporalFormat(strftime: "%I:%M %p"))
        #expect(twelve.parse("12:30 AM") == .time(micros: 30 * 60_000_000))
        #expect(twelve.parse("12:30 pm") == .time(micros: (12 * 60 + 30) * 60_000_000))
        #expect(twelve.parse("1:05 PM") == .time(micros: (13 * 60 + 5) * 60_000_000))
        #expect(twelve.parse("13:05 PM") == nil)
        #expect(twelve.parse("0:05 AM") == nil)
    }

    @Test func parsesTimestampsWithFractionsAndOffsets() throws {
        let base = Int64(days(2024, 3, 15)) * 86_400_000_000 + Int64(10 * 3600 + 30 * 60) * 1_000_000
        let f = try #require(TemporalFormat(strftime: "%Y-%m-%dT%H:%M:%S.%f"))
        #expect(f.parse("2024-03-15T10:30:00") == .timestamp(micros: base))
        #expect(f.parse("2024-03-15T10:30:00.25") == .timestamp(micros: base + 250_000))
        #expect(f.parse("2024-03-15T10:30:00.123456789") == .timestamp(micros: base + 123_456))
        #expect(f.parse("2024-03-15 10:30:00") == nil)
        let strict = try #require(TemporalFormat(strftime: "%H:%M:%S"))
        #expect(strict.parse("10:30:00.5") == nil)
        let tz = try #require(TemporalFormat(strftime: "%Y-%m-%dT%H:%M:%S%z"))
        #expect(tz.parse("2024-03-15T10:30:00Z") == .timestampTZ(micros: base, offsetSeconds: 0))
        #expect(tz.parse("2024-03-15T10:30:00+02:00") == .timestampTZ(micros: base - 7_200_000_000, offsetSeconds: 7200))
        #expect(tz.parse("2024-03-15T10:30:00-0130") == .timestampTZ(micros: base + 5_400_000_000, offsetSeconds: -5400))
        #expect(tz.parse("2024-03-15T10:30:00+05") == .timestampTZ(micros: base - 18_000_000_000, offsetSeconds: 18000))
        #expect(tz.parse("2024-03-15T10:30:00+2:00") == nil)
        #expect(tz.parse("2024-03-15T10:30:00") == nil)
    }

    @Test func literalsIncludingPercent() throws {
        let f = try #require(TemporalFormat(strftime: "%Y%%%m%%%d"))
        #expect(f.parse("2024%03%15") == .date(days: days(2024, 3, 15)))
        #expect(TemporalFormat(strftime: "%FT%T")?.parse("2024-03-15T01:02:03") != nil)
    }
}
