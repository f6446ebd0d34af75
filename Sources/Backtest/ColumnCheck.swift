import CasparianCore
import Inference

/// One column of one file's output: a solver started from the column's
/// proof, and the rows a problem would name (first null, first value).
struct ColumnCheck {
    let name: String
    var solver: ConstraintSolver
    /// Rows of the output without this column at all (counted as nulls).
    private var absentRows = 0
    /// 0-based; watched only when nulls are judged here.
    private var firstNullRow: Int?
    private let watchesNulls: Bool
    /// The first non-null value, watched only for an extra column.
    private var firstValue: (row: Int, text: String)?
    private let watchesValues: Bool

    /// `proven`: the column's proof when the file started; nil when not proven.
    init(name: String, proven: ColumnProof?, outputIsKnown: Bool, file: String, checker: ProvenTypesChecker) {
        self.name = name
        let hypotheses = proven?.hypotheses ?? .unconstrained
        solver = ConstraintSolver(
            name: name, options: hypotheses.isUnconstrained ? checker.inferring : checker.checking,
            within: hypotheses)
        solver.beginFile(file)
        watchesNulls = checker.judgesShape && proven?.nullable == false
        watchesValues = checker.judgesShape && proven == nil && outputIsKnown
    }

    /// What the file's values fit (after `solver.endFile()`).
    var standing: CandidateSet { solver.standing }

    mutating func feed(_ values: [CellValue], firstRow: Int) {
        guard (watchesNulls && firstNullRow == nil) || (watchesValues && firstValue == nil) else {
            for (i, v) in values.enumerated() { solver.feed(v, row: firstRow + i) }
            return
        }
        for (i, v) in values.enumerated() {
            let nulls = solver.nullsSeen
            solver.feed(v, row: firstRow + i)
            if solver.nullsSeen != nulls {
                if firstNullRow == nil { firstNullRow = firstRow + i }
            } else if firstValue == nil {
                firstValue = (firstRow + i, v.truncatedText())
            }
        }
    }

    mutating func noteAbsent(from row: Int, count: Int) {
        guard count > 0 else { return }
        absentRows += count
        if firstNullRow == nil || row < firstNullRow! { firstNullRow = row }
    }

    /// The column's problems: values that fit none of the proven (or, when
    /// nothing is proven, the file's own) hypotheses; against a discovery,
    /// nulls where it saw none and a column it does not have.
    func judge(output: String, checker: ProvenTypesChecker, _ add: (FileProblem, Int) -> Void) {
        let expected = solver.standing
        let (count, samples) = solver.dissent
        for (k, e) in samples.enumerated() {
            let fits = Self.hypotheses(of: e.value)
            let kind: FailureCategory = fits.types.isDisjoint(with: expected.types) ? .typeMismatch : .formatMismatch
            // The first sample also counts the dissent that was not kept.
            add(
                .mismatch(
                    kind, output: output, column: name, row: e.row.map { $0 + 1 }, expected: ColumnProof.describe(expected),
                    got: e.value, shown: "\"\(e.value)\" (\(ColumnProof.describe(fits)))"),
                k == 0 ? count - samples.count + 1 : 1)
        }
        if watchesNulls, solver.nullsSeen + absentRows > 0 {
            add(
                .mismatch(
                    .nullNotAllowed, output: output, column: name, row: firstNullRow.map { $0 + 1 },
                    expected: "\(ColumnProof.describe(expected)), never null in \(checker.judgedBy)", got: "null",
                    shown: "null"), 1)
        }
        if watchesValues, let first = firstValue {
            add(
                .mismatch(
                    .extraColumn, output: output, column: name, row: first.row + 1, expected: "only the columns of \(checker.judgedBy)",
                    got: first.text, shown: "\"\(first.text)\""), 1)
        }
    }

    /// The problem of a column whose values fit nothing another file proved
    /// meanwhile (`now`): the value that eliminated the last of `now`'s
    /// hypotheses, when the solver's evidence names one.
    func conflict(with now: CandidateSet, output: String) -> FileProblem {
        let labels = Set(now.labels + now.types.map { "\($0.rawValue) (every text format)" })
        let evidence = solver.result().evidence.last { !labels.isDisjoint(with: $0.eliminated) }
        let mine = standing
        let kind: FailureCategory = mine.types.isDisjoint(with: now.types) ? .typeMismatch : .formatMismatch
        let got = evidence?.value ?? ColumnProof.describe(mine)
        return .mismatch(
            kind, output: output, column: name, row: evidence?.row.map { $0 + 1 }, expected: ColumnProof.describe(now),
            got: got, shown: evidence.map { "\"\($0.value)\" (\(ColumnProof.describe(mine)))" } ?? ColumnProof.describe(mine))
    }

    /// What one value alone fits (`.text` when nothing typed).
    static func hypotheses(of value: String) -> CandidateSet {
        var s = ConstraintSolver(name: "")
        s.feed(.string(value), row: 0)
        s.endFile()
        return s.standing
    }
}
