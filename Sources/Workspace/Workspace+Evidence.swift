import Backtest
import CasparianCore
import Catalog
import Contracts
import Foundation

extension Workspace {
    /// The contract violations a finished backtest run found, as evidence
    /// for amendment proposals (`proposeAmendments(plugin:evidence:)`).
    ///
    /// Backtest reports keep each violation's kind, output, column, row,
    /// expected and got text, but not the kind of the value that was got: it
    /// is taken as `null` for null violations, `absent` for missing columns
    /// and `str` otherwise (values read from text files).
    public func violationSummary(backtestRun runID: String) throws -> ViolationSummary {
        let run = try catalog.run(id: runID)
        guard run.kind == .backtest else {
            throw CasparianError(
                .usage, "run \(runID) is a \(run.kind) run, not a backtest", hint: "pass the run_id of a run_backtest or fix_parser call")
        }
        guard run.status == .done || run.status == .failed, let json = run.resultJSON,
            let report = try? JSONDecoder().decode(WorkspaceBacktest.self, from: Data(json.utf8)).report
        else {
            throw CasparianError(
                .conflict, "backtest run \(runID) has no finished report (status \(run.status.rawValue))",
                hint: "wait until it is done (get_run_status), or run the backtest again")
        }
        var violations: [Violation] = []
        for r in report.results {
            for p in r.problems {
                guard let kind = Violation.Kind(rawValue: p.category.rawValue), let output = p.output, let column = p.column else {
                    continue
                }
                let gotType = kind == .nullNotAllowed ? "null" : (kind == .missingColumn ? "absent" : "str")
                violations.append(
                    Violation(
                        kind: kind, file: r.path, output: output, row: p.row ?? 0, column: column,
                        expected: p.expected ?? "", got: p.got ?? "", gotType: gotType))
            }
        }
        return ViolationSummary(violations: violations)
    }
}
