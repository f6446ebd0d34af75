import CasparianCore
import Testing

@testable import Inference

/// What a question shows a person: each candidate's reading of the value
/// that tells them apart, and the counterexample the solver keeps.
@Suite("Candidate readings")
struct CandidateReadingTests {
    @Test func aDateOrderQuestionKeepsItsCounterexampleAndEachReading() throws {
        let r = solve(["03/04/2024", "05/06/2024", "11/12/2023"])
        #expect(r.status == .ambiguous)
        let example = try #require(r.counterexample)
        #expect(r.question?.contains(example) == true)
        let dayFirst = try #require(r.candidates.first { $0.format == "%d/%m/%Y" })
        let monthFirst = try #require(r.candidates.first { $0.format == "%m/%d/%Y" })
        #expect(dayFirst.reading(of: "03/04/2024") == "2024-04-03")
        #expect(monthFirst.reading(of: "03/04/2024") == "2024-03-04")
        #expect(dayFirst.label == "date, day-first (%d/%m/%Y)")
        #expect(dayFirst.answer == "date:%d/%m/%Y")
    }

    @Test func numbersTruthAndTextReadAsTheyWouldBeStored() {
        #expect(ColumnInference.Candidate(type: .int64, format: "#,##0").reading(of: "1,234") == "1234")
        #expect(ColumnInference.Candidate(type: .float64, format: "#.##0,#").reading(of: "1.234,5") == "1234.5")
        #expect(ColumnInference.Candidate(type: .boolean).reading(of: "1") == "true")
        #expect(ColumnInference.Candidate(type: .int64).reading(of: "x") == nil)
        #expect(ColumnInference.Candidate(type: .string).reading(of: "03/04") == "03/04")
        #expect(ColumnInference.Candidate(type: .int64).label == "int64")
    }
}
