import CasparianCore
import Testing

@testable import Inference

@Suite("Grouped numbers (thousands separators)")
struct GroupedNumberTests {
    /// Which notations (comma, dot, space) a text fits, and with a fraction.
    static func shapes(_ s: String) -> (fits: Set<String>, fraction: Set<String>) {
        var s = s
        let shape = s.withUTF8 { NumberFormat.shapes($0) }
        let names = ["comma", "dot", "space"]
        return (
            Set(names.indices.filter { shape.fits & (1 << $0) != 0 }.map { names[$0] }),
            Set(names.indices.filter { shape.fraction & (1 << $0) != 0 }.map { names[$0] })
        )
    }

    @Test func shapesOfSingleValues() {
        #expect(Self.shapes("1,234,567").fits == ["comma"])
        #expect(Self.shapes("1,234,567").fraction.isEmpty)
        #expect(Self.shapes("1,234").fits == ["comma", "dot", "space"])
        #expect(Self.shapes("1,234").fraction == ["dot", "space"])
        #expect(Self.shapes("1,234.50").fits == ["comma"])
        #expect(Self.shapes("1.234.567,89").fits == ["dot"])
        #expect(Self.shapes("1 234,5").fits == ["space"])
        #expect(Self.shapes("1\u{00A0}234\u{00A0}567").fits == ["space"])
        #expect(Self.shapes("-12\u{202F}345,5").fits == ["space"])
        #expect(Self.shapes("1.234").fits == ["comma", "dot"])  // 1.234 (a decimal point) or 1234
        #expect(Self.shapes("12,34").fits == ["dot", "space"])  // only a decimal comma reads it
        #expect(Self.shapes("0,5").fits == ["dot", "space"])
        #expect(Self.shapes("12,3456").fits == ["dot", "space"])  // 12.3456 with a decimal comma
        for bad in [
            "1,23,456", ",123", "1,,234", "1,234,", "1,234.5.6", "1 234.5", "1.234,567,8",
            "0,123,456", "01,5", "1,234e3", "1,234 567", "abc", "1a,234", "+", "9,223,372,036,854,775,808",
        ] {
            #expect(Self.shapes(bad).fits.isEmpty, "\(bad)")
        }
        #expect(Self.shapes("9,223,372,036,854,775,807").fits == ["comma"])
        #expect(Self.shapes("-9,223,372,036,854,775,808").fits == ["comma"])
    }

    /// The solver derives the notations of plain decimals from their digit
    /// counts instead of scanning again: it must agree with the scanner.
    @Test func plainDecimalsAgreeWithTheScanner() {
        var rng = SplitMix64(seed: 9)
        var texts = [
            "0.5", "12.345", "0.345", "1234.5", "5.", ".5", "1.5e3", "-12.345", "+1.234", "999.999", "1000.000", "00.5",
            "inf", "-0.125", "1.2345", "12.34",
        ]
        for _ in 0..<2000 {
            let int = String(rng.next() % 5000)
            let frac = String(rng.next() % 10_000).prefix(Int(rng.next() % 5))
            texts.append((rng.next() % 4 == 0 ? "-" : "") + int + "." + frac)
        }
        let grouped = CandidateSet.grouped
        for text in texts {
            var t = text
            t.withUTF8 { b in
                var fractions: UInt64 = 0
                let solver = HypothesisTests.survivors(
                    of: b, among: grouped | .float64, formats: HypothesisTests.compiled,
                    fractions: &fractions)
                let shape = NumberFormat.shapes(b)
                let shift = UInt64(CandidateSet.firstGroupedBit)
                #expect(solver.bits & grouped.bits == UInt64(shape.fits) << shift, "\(text)")
                #expect(fractions == UInt64(shape.fraction) << shift, "\(text)")
            }
        }
    }

    @Test func twoGroupsDecideCommaThousands() throws {
        let r = solve(["12", "1,234", "1,234,567", "-45,678"], name: "population")
        #expect(r.status == .resolved)
        #expect(r.type == .int64)
        #expect(r.format == "#,##0")
        let e = try #require(r.evidence.first { $0.eliminated.contains("number #.##0,#") })
        #expect(e.value == "1,234,567")
        #expect(e.row == 2)
        let plain = try #require(r.evidence.first { $0.eliminated.contains("int64") })
        #expect(plain.value == "1,234")
        #expect(plain.reason.contains("digit grouping"))
    }

    @Test func aDecimalPointDecidesCommaThousands() {
        let r = solve(["1,234.50", "17.25", "3"])
        #expect(r.status == .resolved)
        #expect(r.type == .float64)
        #expect(r.format == "#,##0.#")
    }

    @Test func europeanNotationsResolveWhenTheValuesDecide() {
        let dot = solve(["1.234.567,89", "12,5", "7"])
        #expect(dot.status == .resolved)
        #expect(dot.type == .float64)
        #expect(dot.format == "#.##0,#")
        let dotIntegers = solve(["1.234.567", "12.345", "3"])
        #expect(dotIntegers.type == .int64 && dotIntegers.format == "#.##0")
        let space = solve(["1 234,5", "12 345 678", "0,25"])
        #expect(space.status == .resolved)
        #expect(space.type == .float64)
        #expect(space.format == "# ##0,#")
        let noBreak = solve(["1\u{00A0}234", "12\u{00A0}345\u{00A0}678"])
        #expect(noBreak.type == .int64 && noBreak.format == "# ##0")
    }

    @Test func oneGroupAloneIsAskedNotGuessed() throws {
        let r = solve(["1,234", "5,678", "12"], name: "amount")
        #expect(r.status == .ambiguous)
        #expect(r.type == .string)
        #expect(
            Set(r.candidates.map { "\($0.type.rawValue) \($0.format ?? "")" })
                == ["int64 #,##0", "float64 #.##0,#", "float64 # ##0,#"])
        let q = try #require(r.question)
        #expect(
            q.contains("amount") && q.contains("1,234") && q.contains("1234 as int64 #,##0")
                && q.contains("1.234 as float64 #.##0,#"))
        // The mirror image: a dot with three digits is a decimal point or a thousands dot.
        let dot = solve(["1.234", "5.678", "12"])
        #expect(dot.status == .ambiguous)
        #expect(Set(dot.candidates.map { "\($0.type.rawValue) \($0.format ?? "")" }) == ["float64 ", "int64 #.##0"])
        #expect(dot.question?.contains("1.234 as float64") == true)
        // Any other decimal settles it: plain notation.
        #expect(solve(["1.234", "5.6"]).format == nil)
        #expect(solve(["1.234", "5.6"]).type == .float64)
    }

    /// Policy: notations that read every value the same (`12,5` is 12.5
    /// with dots or spaces between thousands) are one reading: no question.
    @Test func aDecimalCommaWithoutGroupsIsOneReading() throws {
        let r = solve(["12,5", "3,75", "100,25"])
        #expect(r.status == .resolved && r.question == nil)
        #expect(r.type == .float64)
        #expect(Set(r.candidates.compactMap(\.format)) == ["#.##0,#", "# ##0,#"])
        #expect(try #require(r.note).contains("changes no data"))
    }

    @Test func malformedGroupsAreText() throws {
        #expect(solve(["1,23,456", "12,3456", "1,2345"]).type == .string)
        let r = solve(["1,234,567", "12,34", "5,000,000"])
        #expect(r.type == .string)
        let e = try #require(r.evidence.first { $0.value == "12,34" })
        #expect(e.reason.contains("groups of exactly 3 digits"))
        #expect(solve(["9,223,372,036,854,775,808", "1,000,000"]).type == .string)
        #expect(solve(["0,123,456", "1,000,000"]).type == .string)
    }

    @Test func plainColumnsAreUnchanged() {
        #expect(solve(["1", "22", "333"]).format == nil)
        #expect(solve(["1.5", "2.25", "1e3"]).format == nil)
        #expect(solve(["1.5", "2.25", "1e3"]).type == .float64)
        #expect(solve(["1.5", "2.25"]).status == .resolved)
    }

    @Test func typedNumbersMixWithGroupedText() {
        let r = solveTyped([.int(5), .string("1,234,567"), .int(1_000)])
        #expect(r.type == .int64 && r.format == "#,##0")
        let f = solveTyped([.float(2.5), .string("1,234,567")])
        #expect(f.type == .float64 && f.format == "#,##0.#")
    }

    @Test func groupedNumbersVoteForAHeader() {
        let dialect = CSVSniffer.sniff(head: Array("name;amount\nrick;\"1,234.50\"\nlorry;\"300,000.40\"\n".utf8), truncated: false)
        #expect(dialect.hasHeader)
    }

    /// Seeded random columns in a random notation, values grouped or not at
    /// random: the solver returns exactly the truth, or asks with the truth
    /// among the candidates; never a wrong resolved answer.
    @Test(arguments: [1, 2, 3, 4])
    func generatedColumns(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var resolved = 0
        for trial in 0..<200 {
            let format = NumberFormat.all[Int(rng.next() % 3)]
            let type: DataType = rng.next() % 2 == 0 ? .int64 : .float64
            let scale = [10, 10_000, 10_000_000, 1_000_000_000_000][Int(rng.next() % 4)]
            var values: [String] = []
            for _ in 0..<(1 + Int(rng.next() % 40)) {
                let n = Int64(bitPattern: rng.next() % UInt64(scale)) * (rng.next() % 5 == 0 ? -1 : 1)
                let decimals = type == .float64 ? Int(rng.next() % 3) + 1 : 0
                values.append(
                    Self.render(
                        n, decimals: decimals, format: format, grouped: rng.next() % 3 != 0,
                        fraction: rng.next() % 1000))
            }
            // Plain notation is the truth when no value shows the notation's separators.
            let plain = format == .comma ? values.allSatisfy { !$0.contains(",") } : values.allSatisfy { Int64($0) != nil }
            let truth = ColumnInference.Candidate(type: type, format: plain ? nil : format.pattern(for: type))
            let r = solve(values.map(Optional.some))
            let context = "seed \(seed) trial \(trial) truth \(truth): \(values.prefix(6))"
            switch r.status {
            case .resolved where r.note != nil:
                // Settled without a question: the truth is a candidate that reads every value as the choice does.
                resolved += 1
                let chosen = ColumnInference.Candidate(type: r.type, format: r.format)
                #expect(
                    r.candidates.contains(truth) && ReadingCheck.sameReading(values, chosen, truth),
                    "\(context) → \(r.type) \(r.format ?? ""): \(r.note ?? "")")
            case .resolved:
                resolved += 1
                #expect(r.type == truth.type && r.format == truth.format, "\(context) → \(r.type) \(r.format ?? "")")
            case .ambiguous:
                #expect(r.candidates.contains(truth), "\(context) → \(r.candidates)")
            case .contradiction:
                Issue.record("\(context) → contradiction: \(r.question ?? "")")
            }
        }
        print("grouped numbers, seed \(seed): \(resolved) of 200 resolved exactly")
    }

    static func render(_ n: Int64, decimals: Int, format: NumberFormat, grouped: Bool, fraction: UInt64) -> String {
        var digits = String(n.magnitude)
        if grouped {
            var out = ""
            for (i, c) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { out += format.thousandsSeparator }
                out.append(c)
            }
            digits = out
        }
        let sign = n < 0 ? "-" : ""
        guard decimals > 0 else { return sign + digits }
        let f = String(String(fraction).reversed()).padding(toLength: decimals, withPad: "0", startingAt: 0)
        return sign + digits + format.decimalSeparator + f
    }

    @Test func valuesInANotation() {
        #expect(NumberFormat.comma.value(of: "1,234", as: .int64) == .int(1234))
        #expect(NumberFormat.comma.value(of: "1234", as: .int64) == .int(1234))
        #expect(NumberFormat.comma.value(of: " -1,234,567 ", as: .int64) == .int(-1_234_567))
        #expect(NumberFormat.comma.value(of: "1,234.5", as: .float64) == .float(1234.5))
        #expect(NumberFormat.comma.value(of: "1,234.5", as: .int64) == nil)
        #expect(NumberFormat.comma.value(of: "12,34", as: .int64) == nil)
        #expect(NumberFormat.dot.value(of: "1.234.567,89", as: .float64) == .float(1_234_567.89))
        #expect(NumberFormat.dot.value(of: "1,234", as: .float64) == .float(1.234))
        #expect(NumberFormat.dot.value(of: "1.5", as: .float64) == nil)
        #expect(NumberFormat.space.value(of: "1\u{00A0}234,5", as: .float64) == .float(1234.5))
        #expect(NumberFormat.comma.value(of: "9,223,372,036,854,775,808", as: .int64) == nil)
        #expect(NumberFormat.parse(pattern: "#.##0,#")?.format == .dot)
        #expect(NumberFormat.parse(pattern: "#.##0,#")?.type == .float64)
        #expect(NumberFormat.parse(pattern: "# ##0")?.type == .int64)
        #expect(NumberFormat.parse(pattern: "%Y") == nil)
    }

    /// DuckDB's thousands-separator files: grouped money columns prove
    /// float64 `#,##0.#`; a file with a broken group is not a number column.
    @Test(Corpora.trait)
    func duckdbThousandsSeparatorFiles() throws {
        for (file, column) in [("multi_column_quote.csv", "money"), ("multi_column.csv", "money"), ("simple_quoted.csv", "column0")] {
            let columns = try Corpora.discover("duckdb-csv/thousands_separator/" + file)
            let c = try #require(columns[column], "\(file): \(columns.keys.sorted())")
            #expect(c.status == .resolved, "\(file): \(c.question ?? "")")
            #expect(c.type == .float64 && c.format == "#,##0.#", "\(file): \(c.type) \(c.format ?? "")")
        }
        for file in ["thousands_broken.csv", "integers.csv"] {
            let c = try #require(try Corpora.discover("duckdb-csv/thousands_separator/" + file).values.first)
            #expect(c.type == .string, "\(file): \(c.type) \(c.format ?? "")")
        }
    }
}
