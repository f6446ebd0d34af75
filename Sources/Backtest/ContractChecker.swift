import CasparianCore
import Contracts

/// Judges output against a locked contract: every row of every output must
/// satisfy its schema; an output the contract does not know is a violation.
public struct ContractChecker: OutputChecker, @unchecked Sendable {
    public let contract: SchemaContract
    /// Validators keyed by locked output name, prepared once.
    private let validators: [String: ContractValidator]

    /// Fails when the contract itself is unusable (a bad format or default).
    public init(contract: SchemaContract) throws {
        self.contract = contract
        var v: [String: ContractValidator] = [:]
        for s in contract.schemas { v[s.output] = try ContractValidator(schema: s) }
        validators = v
    }

    public var judgedBy: String { "contract v\(contract.version)" }

    public func makeFileCheck(file: String) -> any FileCheck {
        ContractFileCheck(checker: self, file: file)
    }

    /// The validator for rows of plugin output `output` from `file` (splits
    /// send some files' rows to their own schema); nil for an unknown output.
    public func validator(forPluginOutput output: String, file: String) -> ContractValidator? {
        contract.schema(forPluginOutput: output, file: file).flatMap { validators[$0.output] }
    }
}

final class ContractFileCheck: FileCheck {
    private let checker: ContractChecker
    private let file: String
    private var log: FileViolations
    private var unknownOutputs: [String: Int] = [:]

    init(checker: ContractChecker, file: String) {
        self.checker = checker
        self.file = file
        self.log = FileViolations(file: file, cap: 200)
    }

    func consume(_ batch: RowBatch) {
        guard let validator = checker.validator(forPluginOutput: batch.output, file: file) else {
            unknownOutputs[batch.output, default: 0] += batch.rowCount
            return
        }
        _ = validator.validate(batch, into: &log)
    }

    func finish(limit: Int) -> (problems: [FileProblem], more: Int) {
        var problems: [FileProblem] = []
        for (output, rows) in unknownOutputs.sorted(by: { $0.key < $1.key }) {
            problems.append(
                .unknownOutput(
                    output, rows: rows, notIn: "contract v\(checker.contract.version) of \(checker.contract.plugin)",
                    known: checker.contract.schemas.map(\.output)))
        }
        for v in log.violations where problems.count < limit {
            let shown = v.gotType == "str" ? "str \"\(v.got)\"" : (v.gotType == v.got ? v.got : "\(v.gotType) \(v.got)")
            problems.append(
                .mismatch(
                    Self.category(v.kind), output: v.output, column: v.column, row: v.row, expected: v.expected,
                    got: v.got, shown: shown))
        }
        let total = unknownOutputs.count + log.total
        return (problems, max(0, total - problems.count))
    }

    static func category(_ k: Violation.Kind) -> FailureCategory {
        FailureCategory(rawValue: k.rawValue) ?? .typeMismatch
    }
}
