import CasparianCore
import Foundation
import Inference

/// Judges output without a contract: a file passes when what the plugin
/// emits is consistent with the types proven so far.
///
/// The proof is per output and column: the `ConstraintSolver` hypotheses
/// (types, and formats of temporal text) that the column's values fit. It
/// comes either from a stored discovery (`Baseline.discovery`: resolved
/// columns give their type and format, ambiguous ones their candidates,
/// contradicted ones no type, as a person has to answer them first), fixed
/// for the run, so every file meets the same proof whatever the order and
/// the lanes; or from the files that passed earlier in this run
/// (`Baseline.accumulated`).
///
/// Each file's columns get their own solver, started from the proof. Rules:
/// - A value that fits none of the proven hypotheses is `type_mismatch`, or
///   `format_mismatch` when it is of a proven type in another format
///   (`25/03/2024` against `%m/%d/%Y`); the problem names the column, the
///   1-based row and the value.
/// - Widening that keeps every earlier value true is consistent: integers
///   fit a float64 proof, and since integers also proved float64 in an
///   accumulated proof, a later 2.5 narrows it to float64 and passes. A
///   discovery's int64 is int64 alone: 2.5 fails there, as it would against
///   the contract approved from it. Text fits no typed hypothesis, so a
///   string in an int64 column fails; a column proven text takes anything.
/// - A column nothing is proven about yet (new, or only nulls so far) is
///   judged against the file's own rows: a few values that fit none of what
///   the others prove fail (a discovery calls them a contradiction); a
///   column mostly of text is text.
/// - `missing_column`: an output the file emits lacks a required column —
///   one a discovery never saw null or absent, or one every passing file
///   that emitted the output had.
/// - Only against a discovery: `null_not_allowed` in a column it saw no
///   null in, and `extra_column` for a column or output it does not have.
///   That no null was seen in the files so far is weak evidence, and new
///   columns just extend an accumulated proof.
///
/// An accumulated proof grows in `finish`, under a lock: a passing file's
/// hypotheses are intersected into it and its new columns and outputs
/// added. Files on parallel lanes start from the proof as it stood at their
/// first batch and are checked again against the proof as it stands when
/// they finish (a column another file narrowed the other way fails, with a
/// row when the solver's evidence names one). So the first files define
/// the proof. Every passing file feeds it, whatever its prior state: in CI
/// every file is new, and in a workspace the files that failed before go
/// first — kept out, they would meet an empty proof and pass for nothing,
/// and fail-fast and `fixed` would mean nothing. When two groups of files
/// disagree, the order decides which group fails, but the disagreement is
/// reported either way; a stored discovery, which saw every file, is the
/// fairer baseline, and `Workspace.backtest` uses it when there is one.
/// Use one checker per run.
public final class ProvenTypesChecker: OutputChecker, @unchecked Sendable {
    public enum Baseline: Sendable {
        /// A stored discovery (`disc_…`), fixed for the run.
        case discovery(id: String, result: DiscoveryResult)
        /// Nothing up front: the files that pass build the proof.
        case accumulated
    }

    public let baseline: Baseline
    public let judgedBy: String
    /// Nulls and extra columns are judged only against a discovery.
    let judgesShape: Bool
    /// Solver options for a proven column (dissent never makes it text, so
    /// every bad row counts) and for an unproven one (text stays text).
    let checking = SolverOptions(dissentShare: 0, maxDissentSamples: 20)
    let inferring = SolverOptions(maxDissentSamples: 20)
    private let lock = NSLock()
    private var proof: [String: OutputProof] = [:]

    public init(baseline: Baseline = .accumulated) {
        self.baseline = baseline
        switch baseline {
        case .discovery(let id, let result):
            judgedBy = "proven types (discovery \(id))"
            judgesShape = true
            for output in result.outputs { proof[output.name] = OutputProof(discovered: output) }
        case .accumulated:
            judgedBy = "proven types (accumulated)"
            judgesShape = false
        }
    }

    public func makeFileCheck(file: String) -> any FileCheck {
        ProvenTypesFileCheck(checker: self, file: file)
    }

    /// The proof of `output` as it stands; nil when nothing is known of it.
    func proof(of output: String) -> OutputProof? {
        lock.withLock { proof[output] }
    }

    /// The outputs proven so far.
    var outputNames: [String] { lock.withLock { proof.keys.sorted() } }

    /// A passing file joins an accumulated proof, unless a column now
    /// contradicts what files that finished meanwhile proved: then nothing
    /// joins and those columns are the file's problems.
    func admit(_ outputs: [OutputCheck]) -> [FileProblem] {
        guard case .accumulated = baseline else { return [] }
        return lock.withLock {
            var conflicts: [FileProblem] = []
            for out in outputs {
                for column in out.columns {
                    guard let now = proof[out.name]?[column: column.name]?.hypotheses,
                        !now.isText, !now.isUnconstrained, now.intersection(column.standing).isEmpty
                    else { continue }
                    conflicts.append(column.conflict(with: now, output: out.name))
                }
            }
            guard conflicts.isEmpty else { return conflicts }
            for out in outputs {
                var p = proof[out.name] ?? OutputProof()
                for column in out.columns {
                    if var known = p[column: column.name] {
                        known.hypotheses =
                            known.hypotheses.isUnconstrained ? column.standing : known.hypotheses.intersection(column.standing)
                        p[column: column.name] = known
                    } else {
                        // A column earlier files of this output did not have is optional.
                        p[column: column.name] = ColumnProof(hypotheses: column.standing, nullable: true, required: p.files == 0)
                    }
                }
                for name in p.required where out.column(named: name) == nil { p[column: name]?.required = false }
                p.files += 1
                proof[out.name] = p
            }
            return []
        }
    }
}
