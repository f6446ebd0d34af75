import CasparianCore
import Foundation
import Testing

@testable import Inference

/// `../shared/corpora/ptype/`: agreement with the hand labels, per type.
@Suite("ptype corpus", Corpora.trait)
struct PtypeCorpusTests {
    /// ptype's labels → the types that agree with them. ptype's `date*`
    /// labels cover dates with and without a time of day; `gender` columns
    /// are text codes (M/F/Female…). `all identical` columns carry no type
    /// and are not scored.
    static let labelMapping: [String: Set<DataType>] = [
        "integer": [.int64],
        "float": [.float64],
        "string": [.string],
        "boolean": [.boolean],
        "gender": [.string],
        "date": [.date, .timestamp, .timestampTZ],
        "date-iso-8601": [.date, .timestamp, .timestampTZ],
        "date-eu": [.date, .timestamp],
        "date-non-std": [.date, .timestamp],
        "date-non-std-subtype": [.date, .timestamp],
    ]

    @Test func agreementWithHandLabels() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Corpora.path("ptype/annotations/annotations.json")))
        let labels = try JSONDecoder().decode([String: [String]].self, from: data)
        var perLabel: [String: (agree: Int, ambiguous: Int, total: Int)] = [:]
        var disagreements: [String] = []
        var skippedFiles: [String] = []
        for (file, fileLabels) in labels.sorted(by: { $0.key < $1.key }) {
            let rel = "ptype/data/\(file).csv"
            guard FileManager.default.fileExists(atPath: Corpora.path(rel)) else {
                skippedFiles.append(file)
                continue
            }
            var inference = StreamingInference()
            try inference.feed(csvFile: Corpora.path(rel), name: rel)
            let columns = inference.finish().outputs.first?.columns ?? []
            #expect(columns.count == fileLabels.count, "\(file): \(columns.count) columns, \(fileLabels.count) labels")
            for (c, label) in zip(columns, fileLabels) {
                guard let accepted = Self.labelMapping[label] else { continue }
                var tally = perLabel[label] ?? (0, 0, 0)
                tally.total += 1
                let agrees: Bool
                switch c.status {
                case .resolved: agrees = accepted.contains(c.type)
                case .ambiguous, .contradiction:
                    agrees = false
                    if c.candidates.contains(where: { accepted.contains($0.type) }) { tally.ambiguous += 1 }
                }
                if agrees {
                    tally.agree += 1
                } else {
                    disagreements.append(
                        "\(file).\(c.name): label \(label), got \(c.status.rawValue) \(c.type.rawValue)"
                            + (c.candidates.isEmpty
                                ? "" : " [" + c.candidates.map { $0.format ?? $0.type.rawValue }.joined(separator: "|") + "]"))
                }
                perLabel[label] = tally
            }
        }
        let agree = perLabel.values.map(\.agree).reduce(0, +)
        let total = perLabel.values.map(\.total).reduce(0, +)
        print(
            "ptype: \(agree)/\(total) columns agree (\(Int((Double(agree) / Double(max(total, 1)) * 100).rounded()))%)"
                + (skippedFiles.isEmpty ? "" : "; files not in the corpus: \(skippedFiles.joined(separator: ", "))"))
        for (label, t) in perLabel.sorted(by: { $0.key < $1.key }) {
            print("  \(label): \(t.agree)/\(t.total) agree, \(t.ambiguous) more asked with the label among the candidates")
        }
        for d in disagreements { print("  differs: \(d)") }
        #expect(total > 150)
        #expect(Double(agree) / Double(total) >= 0.8)
    }
}
