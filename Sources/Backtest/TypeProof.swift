import CasparianCore
import Inference

/// What is proven about one column of a plugin output.
struct ColumnProof: Sendable, Equatable {
    /// The solver hypotheses every value so far fits: `.unconstrained`
    /// while only nulls were seen, `.text` for a text column.
    var hypotheses: CandidateSet
    /// Nulls are a problem only when false (only a stored discovery says so).
    var nullable: Bool
    /// A file that emits the output must emit this column.
    var required: Bool

    /// A discovery's column: resolved gives its type and format, ambiguous
    /// its candidates; a contradiction is a question for a person, so its
    /// type is not judged (nor one whose format the solver does not know).
    init(discovered c: ColumnInference) {
        switch c.status {
        case .resolved: hypotheses = CandidateSet(candidates: [.init(type: c.type, format: c.format)]) ?? .unconstrained
        case .ambiguous: hypotheses = c.candidates.isEmpty ? .unconstrained : CandidateSet(candidates: c.candidates) ?? .unconstrained
        case .contradiction: hypotheses = .unconstrained
        }
        nullable = c.nullable
        // Discovery counts rows without the column as nulls: never null means always there.
        required = !c.nullable
    }

    init(hypotheses: CandidateSet, nullable: Bool, required: Bool) {
        self.hypotheses = hypotheses
        self.nullable = nullable
        self.required = required
    }

    /// "int64", "date %m/%d/%Y or date %d/%m/%Y": how messages name hypotheses.
    static func describe(_ set: CandidateSet) -> String {
        if set.isText { return "text" }
        if set.isUnconstrained { return "any type" }
        return set.candidates.map { c in c.format.map { "\(c.type.rawValue) \($0)" } ?? c.type.rawValue }.joined(separator: " or ")
    }
}

/// What is proven about one plugin output: its columns, in the order they
/// were first proven.
struct OutputProof: Sendable, Equatable {
    private(set) var columns: [String: ColumnProof] = [:]
    private(set) var order: [String] = []
    /// Passing files that emitted this output (accumulated proofs).
    var files = 0

    init() {}

    init(discovered output: OutputInference) {
        for c in output.columns { self[column: c.name] = ColumnProof(discovered: c) }
    }

    subscript(column name: String) -> ColumnProof? {
        get { columns[name] }
        set {
            if columns[name] == nil, newValue != nil { order.append(name) }
            columns[name] = newValue
            if newValue == nil { order.removeAll { $0 == name } }
        }
    }

    /// Columns a file emitting this output must have, in order.
    var required: [String] { order.filter { columns[$0]!.required } }
}
