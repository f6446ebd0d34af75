import CasparianCore

/// Judges a plugin's output for one file. Two implementations: against a
/// locked contract (`ContractChecker`), and, without a contract, against
/// the types proven so far (`ProvenTypesChecker`).
public protocol OutputChecker: Sendable {
    /// What judges, for reports: `contract v3`, `proven types (accumulated)`.
    var judgedBy: String { get }
    /// A fresh per-file check; the engine feeds it the file's batches in
    /// order, on one thread, then asks for the problems.
    func makeFileCheck(file: String) -> any FileCheck
}

public protocol FileCheck: AnyObject {
    func consume(_ batch: RowBatch)
    /// Problems found (at most `limit` kept) and how many more there were.
    func finish(limit: Int) -> (problems: [FileProblem], more: Int)
}
