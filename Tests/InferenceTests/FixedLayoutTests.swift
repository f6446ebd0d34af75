import CasparianCore
import Testing

@testable import Inference

@Suite("Fixed layouts of temporal formats")
struct FixedLayoutTests {
    /// The solver reads full-width text at fixed offsets (`FixedLayout`):
    /// for every candidate it must agree with the step parser on rendered
    /// values, values with one byte changed, short fields and fractions.
    @Test func fixedLayoutsAgreeWithTheStepParser() {
        var rng = SplitMix64(seed: 21)
        var texts: [String] = [
            "2024-02-30", "2023-02-29", "2024-13-01", "0000-01-01", "2024-1-5", "2024-01-5x", "20240304",
            "1:2:3.5", "1:2:3.55", "2024-03-04T1:2:3.55", "01:02:03", "12:00", "2024-03-04T10:15:00", "2024-03-04 10:15:00.25", "99/12/31",
        ]
        for f in TemporalFormat.candidates {
            for _ in 0..<40 {
                let fraction = rng.next() % 3 == 0
                var t = Array(SolverPropertyTests.render(f.pattern, &rng, fraction: fraction).utf8)
                if rng.next() % 2 == 0, !t.isEmpty {
                    t[Int(rng.next() % UInt64(t.count))] = Array("0123456789-/:. T".utf8)[Int(rng.next() % 16)]
                }
                texts.append(String(decoding: t, as: UTF8.self))
            }
        }
        var fast = 0
        for (k, f) in TemporalFormat.candidates.enumerated() {
            let compiled = HypothesisTests.compiled[k]
            if compiled.layout.length >= 0 { fast += 1 }
            for text in texts {
                var t = text
                t.withUTF8 { b in
                    var expected = false
                    if case .value = f.match(b) { expected = true }
                    #expect(compiled.fits(b).ok == expected, "\(f.pattern) \(text)")
                }
            }
        }
        #expect(fast >= 25, "most candidates have a fixed layout")
    }
}
