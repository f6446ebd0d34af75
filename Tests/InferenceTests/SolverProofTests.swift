import CasparianCore
import Inference
import Testing

/// The public surface a backtest uses to judge values against a proof.
@Suite("Constraint solver: checking against a proof")
struct SolverProofTests {
    static let checking = SolverOptions(dissentShare: 0, maxDissentSamples: 3)

    func check(_ values: [String], within proof: CandidateSet) -> ConstraintSolver {
        var s = ConstraintSolver(name: "c", options: Self.checking, within: proof)
        s.beginFile("f.csv")
        for (row, v) in values.enumerated() { s.feed(.string(v), row: row) }
        s.endFile()
        return s
    }

    @Test func discoveryCandidatesRoundTrip() throws {
        let monthFirst = try #require(CandidateSet(candidates: [.init(type: .date, format: "%m/%d/%Y")]))
        #expect(monthFirst.candidates == [.init(type: .date, format: "%m/%d/%Y")])
        #expect(monthFirst.types == [.date])
        let int = try #require(CandidateSet(candidates: [.init(type: .int64)]))
        #expect(int.candidates == [.init(type: .int64)])
        #expect(CandidateSet(candidates: [.init(type: .string)])?.isText == true)
        #expect(CandidateSet(candidates: [.init(type: .date, format: "%Q")]) == nil)
        #expect(ConstraintSolver(name: "c").standing.isUnconstrained)
    }

    @Test func valuesOutsideTheProofAreDissentWithRows() throws {
        let int = try #require(CandidateSet(candidates: [.init(type: .int64)]))
        let s = check(["1", "2", "oops", "2.5", "x", "y", "4"], within: int)
        #expect(s.standing == int, "a proof is never given up for text")
        let (count, samples) = s.dissent
        #expect(count == 4)
        #expect(samples.map(\.value) == ["oops", "2.5", "x"])
        #expect(samples.map(\.row) == [2, 3, 4])
    }

    @Test func integersFitAFloatProofAndNarrowAnAccumulatedOne() throws {
        let float = try #require(CandidateSet(candidates: [.init(type: .float64)]))
        #expect(check(["1", "2"], within: float).dissent.count == 0)
        // What integer values prove (int64 and float64) narrows to float64 on a fraction.
        let accumulated = check(["1", "2"], within: .unconstrained).standing
        let widened = check(["3", "2.5"], within: accumulated)
        #expect(widened.dissent.count == 0)
        #expect(widened.standing.candidates == [.init(type: .float64)])
    }

    @Test func nullsAreCountedNotDissent() {
        let s = check(["1", "", "N/A", "2"], within: .unconstrained)
        #expect(s.nullsSeen == 2)
        #expect(s.dissent.count == 0)
    }
}
