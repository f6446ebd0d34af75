import Testing

@testable import Inference

@Suite("Sample plan")
struct SamplePlanTests {
    @Test func patternsKeepFoldersAndFoldDigits() {
        #expect(SamplePlan.pattern(of: "eu/sales_2024-01.csv") == "eu/sales_#-#.csv")
        #expect(SamplePlan.pattern(of: "north/sales_2024-12.csv") == "north/sales_#-#.csv")
    }

    @Test func picksFirstLastLargestAndSeededRandomPerPattern() {
        let files =
            (0..<100).map { SamplePlan.File(name: "a/f\($0).csv", size: $0 == 50 ? 10_000 : $0) }
            + (0..<3).map { SamplePlan.File(name: "b/g\($0).csv", size: 1) }
        let plan = SamplePlan(first: 2, last: 2, largest: 1, random: 3, seed: 1)
        let chosen = plan.select(files).map(\.name)
        #expect(chosen.filter { $0.hasPrefix("b/") }.count == 3)  // small groups are read whole
        let a = chosen.filter { $0.hasPrefix("a/") }
        #expect(a.count == 8)
        // names sort as text: f0, f1 first; f98, f99 last
        #expect(a.contains("a/f0.csv") && a.contains("a/f1.csv") && a.contains("a/f98.csv") && a.contains("a/f99.csv"))
        #expect(a.contains("a/f50.csv"))
        #expect(plan.select(files) == plan.select(files))
        #expect(SamplePlan(first: 2, last: 2, largest: 1, random: 3, seed: 2).select(files) != plan.select(files))
    }
}
