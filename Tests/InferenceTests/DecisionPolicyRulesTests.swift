import CasparianCore
import Foundation
import Testing

@testable import Inference

/// The decision policy's rules for columns a sniffer gets silently wrong:
/// each keeps every value, and a note names the reading a person may want.
@Suite("Decision policy: readings worth a note")
struct DecisionPolicyRulesTests {
    /// Not-reported markers among numbers are nulls, as `NA` is.
    @Test func notReportedMarkersAmongNumbersAreNull() {
        let r = solve(["12", "NR", "7", "N/R", "3", "n.r.", "N.R."], name: "count")
        #expect(r.status == .resolved && r.type == .int64 && r.nullable && r.note == nil)
        #expect(Set(r.nullSentinels) == ["NR", "N/R", "n.r.", "N.R."], "\(r.nullSentinels)")
    }

    /// …and data in a text column (`NR` is Nauru among country codes).
    @Test func notReportedMarkersInTextAreData() {
        let r = solve(["FR", "NR", "DE", "NR", "US"], name: "country")
        #expect(r.type == .string && !r.nullable && r.nullSentinels.isEmpty && r.valuesAnalysed == 5)
    }

    /// Integers that all look like years stay int64, with a note naming
    /// the date reading and the answer that picks it: never silent.
    @Test func yearsStayInt64WithANoteNamingTheDateReading() throws {
        let r = solve(["1998", "2004", "2016", "", "2016"], name: "year")
        #expect(r.status == .resolved && r.type == .int64 && r.format == nil)
        let note = try #require(r.note)
        #expect(note.contains("from 1998 to 2016") && note.contains("--answer year=date:%Y"), "\(note)")
        #expect(r.candidates.contains(.init(type: .date, format: "%Y")))
        // A number outside 1700–2100, or of another width, is no year: no note.
        #expect(solve(["1998", "2004", "3016"]).note == nil)
        #expect(solve(["1998", "2004", "16"]).note == nil)
        #expect(solveTyped([.int(1999), .int(2001)]).note?.contains("date:%Y") == true)
    }

    /// The answer the note names is a valid date format: a year reads as its 1 January.
    @Test func aYearAloneIsADateFormat() throws {
        let f = try #require(TemporalFormat(strftime: "%Y"))
        #expect(f.type == .date)
        #expect(f.parse("2016") == .date(days: Int32(CivilDate(year: 2016, month: 1, day: 1).daysSinceEpoch)))
        #expect(f.parse("16") == nil && f.parse("2016-01") == nil)
        #expect(TemporalFormat(strftime: "%y") == nil && TemporalFormat(strftime: "%Y-%m") == nil)
    }

    /// Percentages are float64 with the % sign dropped (73.20% is 73.2),
    /// in the notation `0.#%`, with a note; plain numbers beside them are
    /// read the same; a column of plain decimals keeps plain float64.
    @Test func percentagesAreFloat64WithTheSignDropped() throws {
        let r = solve(["73.20%", "5%", "12.5 %", "", "100%", "12"], name: "share")
        #expect(r.status == .resolved && r.type == .float64 && r.format == "0.#%", "\(r)")
        let note = try #require(r.note)
        #expect(note.contains("% sign dropped") && note.contains("--answer share=string"), "\(note)")
        #expect(NumberFormat.percent.value(of: "73.20%", as: .float64) == .float(73.2))
        #expect(NumberFormat.percent.value(of: " 12 ", as: .float64) == .float(12))
        #expect(NumberFormat.percent.value(of: "1,5%", as: .float64) == nil)
        #expect(NumberFormat.parse(pattern: "0.#%")?.format == .percent)
        let plain = solve(["1.5", "2.25", "3"])
        #expect(plain.type == .float64 && plain.format == nil && plain.note == nil)
        // Something that is not a percentage among them: text, as for any dirty value.
        #expect(solve(["73%", "12%", "about 5%"] + (0..<3).map { _ in "9%" }).type == .string)
    }

    /// Boolean spellings and one other value, a minority (`Don't know`):
    /// string keeps it, and the note names the boolean reading.
    @Test func booleansWithAMinorityThirdValueNoteTheBooleanReading() throws {
        let values = (0..<40).map { $0 % 2 == 0 ? "Yes" : "No" } + (0..<10).map { _ in "Don't know" }
        let r = solve(values.map { Optional($0) }, name: "answer")
        #expect(r.status == .resolved && r.type == .string)
        let note = try #require(r.note)
        #expect(note.contains("40 of 50") && note.contains("Don't know") && note.contains("--answer answer=boolean"), "\(note)")
        #expect(r.candidates.map(\.type) == [.boolean])
        // Two other values, or a majority of the other value: plain text, no note.
        #expect(solve((values + ["Refused"]).map { Optional($0) }).note == nil)
        #expect(solve((["Yes", "No"] + (0..<10).map { _ in "Don't know" }).map { Optional($0) }).note == nil)
    }
}
