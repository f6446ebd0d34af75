import Backtest
import CasparianCore
import Contracts

/// One file's validated rows while it is being parsed.
final class FileAccumulator {
    let path: String
    private var log: FileViolations
    private var batches: [RowBatch] = []
    private var unknownOutputs: [String: Int] = [:]
    private var rows = 0

    init(path: String, cap: Int) {
        self.path = path
        log = FileViolations(file: path, cap: cap)
    }

    func add(_ batch: RowBatch, routes: ContractChecker) {
        rows += batch.rowCount
        guard let validator = routes.validator(forPluginOutput: batch.output, file: path) else {
            unknownOutputs[batch.output, default: 0] += batch.rowCount
            return
        }
        batches.append(validator.validate(batch, into: &log))
    }

    enum Decision {
        case write([RowBatch], [QuarantinedValue])
        case failure(category: String, message: String)
    }

    /// Whether the file can be written: violating rows are quarantined when
    /// they are few enough, else the file fails as a whole.
    func prepareWrite(threshold: Double) -> Decision {
        if let (output, count) = unknownOutputs.first {
            return .failure(category: "extra_column",
                            message: "the plugin yielded \(count) rows for output '\(output)', which the contract does not have")
        }
        if log.isClean { return .write(batches, []) }
        if log.unstored > 0 {
            return .failure(category: mainKind, message: "more than \(log.cap) contract violations (\(log.total)); e.g. \(log.violations.first?.message ?? "")")
        }
        var bad: [String: Set<Int>] = [:]
        for v in log.violations { bad[v.output, default: []].insert(v.row) }
        let badRows = bad.values.reduce(0) { $0 + $1.count }
        let share = rows == 0 ? 1 : Double(badRows) / Double(rows)
        if share > threshold || badRows == 0 {
            // badRows == 0: violations not tied to rows (a missing column): the whole file is wrong.
            return .failure(category: mainKind,
                            message: "\(badRows == 0 ? log.total : badRows) of \(rows) rows violate the contract (\(String(format: "%.1f", share * 100))% > \(String(format: "%.1f", threshold * 100))% allowed); e.g. \(log.violations.first?.message ?? "")")
        }
        let kept = batches.map { b -> RowBatch in
            guard let rowsToDrop = bad[b.output] else { return b }
            var out = RowBatch(output: b.output, columnNames: b.columnNames, firstRow: b.firstRow)
            for r in 0..<b.rowCount where !rowsToDrop.contains(b.firstRow + r + 1) { out.append(row: b.row(r)) }
            return out
        }
        let quarantine = log.violations.map {
            QuarantinedValue(output: $0.output, row: $0.row, column: $0.column, kind: $0.kind.rawValue, reason: $0.message, value: $0.got)
        }
        return .write(kept, quarantine)
    }

    private var mainKind: String {
        log.counts.max { $0.value < $1.value }?.key.kind.rawValue ?? "type_mismatch"
    }
}
