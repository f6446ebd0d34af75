import CasparianCore
import Foundation
import Testing

@testable import Inference

/// Seeded random columns of a known type and format, with random nulls and
/// sentinels: the solver must return exactly that, or `ambiguous` with the
/// truth among the candidates when the values genuinely fit several —
/// never a wrong resolved answer, never a contradiction.
@Suite("Constraint solver properties")
struct SolverPropertyTests {
    struct Truth: CustomStringConvertible {
        var type: DataType
        var format: String?
        var description: String { "\(type.rawValue) \(format ?? "")" }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func generatedColumns(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var resolved = 0
        var ambiguous = 0
        for trial in 0..<150 {
            let (truth, values) = Self.column(&rng)
            var solver = ConstraintSolver(name: "c")
            solver.beginFile("gen.csv")
            for (row, v) in values.enumerated() { solver.feed(v.map(CellValue.string) ?? .null, row: row) }
            let r = solver.result()
            let context = "seed \(seed) trial \(trial) truth \(truth): \(values.prefix(6).map { $0 ?? "∅" })"
            switch r.status {
            case .resolved where r.valuesAnalysed == 0:
                // Only nulls: the widest type, nullable, with a note.
                #expect(r.type == .string && r.nullable && r.note != nil, "\(context)")
            case .resolved where r.note != nil:
                // Settled without a question: the truth is a candidate that reads every value as the choice does.
                resolved += 1
                let chosen = ColumnInference.Candidate(type: r.type, format: r.format)
                let asTruth = ColumnInference.Candidate(type: truth.type, format: truth.format)
                #expect(
                    r.candidates.contains(asTruth) && ReadingCheck.sameReading(values, chosen, asTruth),
                    "\(context) → \(r.type) \(r.format ?? ""): \(r.note ?? "")")
            case .resolved:
                resolved += 1
                #expect(r.type == truth.type && r.format == truth.format, "\(context) → \(r.type) \(r.format ?? "")")
            case .ambiguous:
                ambiguous += 1
                if r.valuesAnalysed > 0 {
                    #expect(
                        r.candidates.contains { $0.type == truth.type && $0.format == truth.format },
                        "\(context) → candidates \(r.candidates)")
                }
            case .contradiction:
                Issue.record("\(context) → contradiction: \(r.question ?? "")")
            }
        }
        print("seed \(seed): \(resolved) resolved exactly, \(ambiguous) ambiguous")
    }

    static let sentinels = ["", "NA", "N/A", "null", "NULL", "-", "nan"]
    static let booleans = [("true", "false"), ("True", "False"), ("yes", "no"), ("Y", "N"), ("t", "f"), ("0", "1")]

    static func column(_ rng: inout SplitMix64) -> (Truth, [String?]) {
        let n = Int(rng.next() % 60) + 1
        let kind = Int(rng.next() % 5)
        let nullRate = rng.next() % 4 == 0 ? 0 : rng.next() % 30
        var truth: Truth
        var make: (inout SplitMix64) -> String
        switch kind {
        case 0:
            truth = Truth(type: .int64)
            make = { r in String(Int64(bitPattern: r.next()) >> Int64(r.next() % 63)) }
        case 1:
            truth = Truth(type: .float64)
            make = { r in String(format: "%.\(r.next() % 4 + 1)f", Double(Int64(bitPattern: r.next()) % 1_000_000) / 100) }
        case 2:
            truth = Truth(type: .boolean)
            let pair = booleans[Int(rng.next() % UInt64(booleans.count))]
            make = { r in r.next() % 2 == 0 ? pair.0 : pair.1 }
        default:
            let f = TemporalFormat.candidates[Int(rng.next() % UInt64(TemporalFormat.candidates.count))]
            let fraction = f.pattern.contains("%S.%f") && rng.next() % 2 == 0
            truth = Truth(type: f.type, format: fraction ? f.pattern : (f.patternWithoutFraction ?? f.pattern))
            make = { r in Self.render(f.pattern, &r, fraction: fraction) }
        }
        var values: [String?] = []
        for _ in 0..<n {
            if rng.next() % 100 < nullRate {
                values.append(rng.next() % 3 == 0 ? nil : sentinels[Int(rng.next() % UInt64(sentinels.count))])
            } else {
                values.append(make(&rng))
            }
        }
        return (truth, values)
    }

    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ]
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// A small strftime for the directives the candidates use.
    static func render(_ pattern: String, _ r: inout SplitMix64, fraction: Bool) -> String {
        let twoDigitYear = pattern.contains("%y")
        let year = twoDigitYear ? 1969 + Int(r.next() % 100) : 1900 + Int(r.next() % 200)
        let month = 1 + Int(r.next() % 12)
        let day = 1 + Int(r.next() % UInt64(CivilDate.daysInMonth(year: year, month: month)))
        let hour = Int(r.next() % 24)
        let minute = Int(r.next() % 60)
        let second = Int(r.next() % 60)
        let micros = Int(r.next() % 1_000_000)
        let offsetMinutes = [0, 60, -300, 330, 120][Int(r.next() % 5)]
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        let weekday = weekdays[((days % 7) + 11) % 7]
        var out = ""
        let chars = Array(pattern)
        var i = 0
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        while i < chars.count {
            let c = chars[i]
            guard c == "%", i + 1 < chars.count else {
                out.append(c)
                i += 1
                continue
            }
            let d = chars[i + 1]
            i += 2
            switch d {
            case "Y": out += String(format: "%04d", year)
            case "y": out += two(year % 100)
            case "m": out += two(month)
            case "d": out += two(day)
            case "b": out += String(months[month - 1].prefix(3))
            case "B": out += months[month - 1]
            case "a": out += String(weekday.prefix(3))
            case "H": out += two(hour)
            case "I": out += two(hour % 12 == 0 ? 12 : hour % 12)
            case "p": out += hour < 12 ? "AM" : "PM"
            case "M": out += two(minute)
            case "S":
                out += two(second)
                if i + 3 <= chars.count, String(chars[i..<i + 3]) == ".%f" {
                    if fraction { out += "." + String(format: "%06d", micros) }
                    i += 3
                }
            case "f": out += String(format: "%06d", micros)
            case "z":
                if offsetMinutes == 0 {
                    out += "Z"
                } else {
                    let a = abs(offsetMinutes)
                    out += (offsetMinutes < 0 ? "-" : "+") + two(a / 60) + ":" + two(a % 60)
                }
            default: out += "%\(d)"
            }
        }
        return out
    }
}
