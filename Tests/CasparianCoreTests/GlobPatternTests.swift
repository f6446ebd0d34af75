import CasparianCore
import Testing

@Suite("Glob patterns")
struct GlobPatternTests {
    func m(_ pattern: String, _ path: String) throws -> Bool { try GlobPattern(pattern).matches(path) }

    @Test func starStaysWithinASegment() throws {
        #expect(try m("data/*.csv", "data/a.csv"))
        #expect(try !m("data/*.csv", "data/x/a.csv"))
        #expect(try m("data/*", "data/.hidden"))
        #expect(try m("a*b*c", "axbyc"))
        #expect(try m("a*b*c", "abc"))
        #expect(try !m("a*b*c", "axbycd"))
        #expect(try !m("data/*", "data"))
    }

    @Test func globstarMatchesAnyDepthIncludingZero() throws {
        #expect(try m("**/sales_*.csv", "sales_1.csv"))
        #expect(try m("**/sales_*.csv", "a/b/c/sales_1.csv"))
        #expect(try m("a/**/b", "a/b"))
        #expect(try m("a/**/b", "a/x/y/b"))
        #expect(try !m("a/**/b", "a/x/y/c"))
        #expect(try m("a/**", "a/x/y"))
        #expect(try m("**", "anything/at/all"))
        #expect(try m("a/**/**/b", "a/b"))
    }

    @Test func aPatternWithoutSlashMatchesTheNameAtAnyDepth() throws {
        #expect(try m("*.csv", "x.csv"))
        #expect(try m("*.csv", "deep/er/x.csv"))
        #expect(try !m("*.csv", "deep/x.csv/inner.txt"))
        #expect(try m("/top.csv", "top.csv"))
        #expect(try !m("/top.csv", "sub/top.csv"))
        #expect(try m("sub/", "sub/a/b.txt"))
    }

    @Test func questionMarkSetsAndRanges() throws {
        #expect(try m("file?.txt", "file1.txt"))
        #expect(try !m("file?.txt", "file10.txt"))
        #expect(try !m("a?b", "a/b"))
        #expect(try m("[abc].txt", "b.txt"))
        #expect(try m("[a-c0-9].txt", "7.txt"))
        #expect(try !m("[a-c].txt", "d.txt"))
        #expect(try m("[!a-c].txt", "d.txt"))
        #expect(try m("[^a-c].txt", "d.txt"))
        #expect(try !m("[!a-c].txt", "a.txt"))
        #expect(try m("[]x].txt", "].txt"))
        #expect(try m("\\*.txt", "*.txt"))
        #expect(try !m("\\*.txt", "a.txt"))
    }

    @Test func bracesGiveAlternativesAndMayNest() throws {
        #expect(try m("*.{csv,tsv}", "a.tsv"))
        #expect(try !m("*.{csv,tsv}", "a.txt"))
        #expect(try m("{in,out}/**/*.{csv,json{,l}}", "out/x/y.jsonl"))
        #expect(try m("{in,out}/**/*.{csv,json{,l}}", "in/y.json"))
        #expect(try !m("{in,out}/**/*.{csv,json{,l}}", "other/y.json"))
        #expect(try m("{a/b,c}/x", "a/b/x"))
        #expect(try m("[{]x", "{x"))
    }

    @Test func matchingIsCaseSensitiveAndUnicodeAware() throws {
        #expect(try !m("*.CSV", "a.csv"))
        #expect(try m("caf?.txt", "café.txt"))
        #expect(try m("données/*.csv", "données/été.csv"))
    }

    @Test func manyStarsDoNotBlowUp() throws {
        let name = String(repeating: "a", count: 200)
        let clock = ContinuousClock()
        let pattern = try GlobPattern(String(repeating: "*a", count: 30) + "b")
        let d = clock.measure { #expect(!pattern.matches(name)) }
        #expect(d < .seconds(5))
    }

    @Test(arguments: [
        ("", "is empty"), ("data/[abc", "never closed"), ("*.{csv,tsv", "never closed"), ("a}b", "no matching"),
        ("a]b", "no matching"), ("trail\\", "lone \\"), ("a**b", "whole path segment"), ("a/**b/c", "whole path segment"),
        ("a//b", "empty path segment"), ("[z-a]", "backwards"),
    ])
    func malformedPatternsAreClearErrors(pattern: String, problem: String) {
        let error = #expect(throws: CasparianError.self) { try GlobPattern(pattern) }
        #expect(error?.kind == .usage)
        #expect(error?.message.contains(problem) == true, "\(pattern): \(error?.message ?? "")")
        #expect(error?.hint?.contains("**") == true)
    }
}
