import Backtest
import CasparianCore
import Contracts

/// One file's rows while it is being parsed: each batch is validated as it
/// arrives, its violating rows are left out, and the rest go to the writer
/// (`FileRowChannel`), which writes them in the file's open transaction.
/// At the end the file commits — the violating rows quarantined — or, when
/// too many rows violate, rolls back as a whole. No more than a few batches
/// of a file are in memory, however large it is.
final class FileAccumulator {
    let path: String
    private var log: FileViolations
    private var unknownOutputs: [String: Int] = [:]
    private var rows = 0
    /// Violations already applied to the batches sent.
    private var seenViolations = 0
    /// The writer's channel, opened with the first batch.
    private(set) var channel: FileRowChannel?
    private let open: () -> FileRowChannel

    /// `open` submits the file's write and returns its channel.
    init(path: String, cap: Int, open: @escaping () -> FileRowChannel) {
        self.path = path
        log = FileViolations(file: path, cap: cap)
        self.open = open
    }

    /// True once the file cannot be written whatever comes (its rows need not be sent).
    private var failing: Bool { !unknownOutputs.isEmpty || log.unstored > 0 }

    func add(_ batch: RowBatch, routes: ContractChecker) {
        rows += batch.rowCount
        guard let validator = routes.validator(forPluginOutput: batch.output, file: path) else {
            unknownOutputs[batch.output, default: 0] += batch.rowCount
            return
        }
        let normalized = validator.validate(batch, into: &log)
        let fresh = log.violations[seenViolations...]
        seenViolations = log.violations.count
        if failing { return }
        var kept = normalized
        let bad = Set(fresh.filter { $0.output == normalized.output }.map(\.row))
        if !bad.isEmpty {
            kept = RowBatch(output: normalized.output, columnNames: normalized.columnNames, firstRow: normalized.firstRow)
            for r in 0..<normalized.rowCount where !bad.contains(normalized.firstRow + r + 1) { kept.append(row: normalized.row(r)) }
        }
        if kept.rowCount > 0 { writerChannel.send(.batch(kept)) }
    }

    private var writerChannel: FileRowChannel {
        if let channel { return channel }
        let c = open()
        channel = c
        return c
    }

    /// The parse failed or is tried again: nothing of this attempt is written.
    func abort() {
        channel?.send(.rollback)
    }

    enum Decision {
        case write([QuarantinedValue])
        case failure(category: String, message: String)
    }

    /// Whether the file can be written: violating rows are quarantined when
    /// they are few enough, else the file fails as a whole. Ends the write
    /// accordingly (committing an empty file's write too, which replaces
    /// what an earlier run wrote).
    func finish(threshold: Double, duration: Duration) -> Decision {
        let decision = decide(threshold: threshold)
        switch decision {
        case .write(let quarantine):
            let channel = writerChannel
            channel.parseDuration = duration
            channel.send(.commit(quarantine))
        case .failure: channel?.send(.rollback)
        }
        return decision
    }

    private func decide(threshold: Double) -> Decision {
        if let (output, count) = unknownOutputs.first {
            return .failure(
                category: "extra_column",
                message: "the plugin yielded \(count) rows for output '\(output)', which the contract does not have")
        }
        if log.isClean { return .write([]) }
        if log.unstored > 0 {
            return .failure(
                category: mainKind,
                message: "more than \(log.cap) contract violations (\(log.total)); e.g. \(log.violations.first?.message ?? "")")
        }
        var bad: [String: Set<Int>] = [:]
        for v in log.violations { bad[v.output, default: []].insert(v.row) }
        let badRows = bad.values.reduce(0) { $0 + $1.count }
        let share = rows == 0 ? 1 : Double(badRows) / Double(rows)
        if share > threshold || badRows == 0 {
            // badRows == 0: violations not tied to rows (a missing column): the whole file is wrong.
            return .failure(
                category: mainKind,
                message:
                    "\(badRows == 0 ? log.total : badRows) of \(rows) rows violate the contract (\(String(format: "%.1f", share * 100))% > \(String(format: "%.1f", threshold * 100))% allowed); e.g. \(log.violations.first?.message ?? "")"
            )
        }
        return .write(
            log.violations.map {
                QuarantinedValue(
                    output: $0.output, row: $0.row, column: $0.column, kind: $0.kind.rawValue, reason: $0.message, value: $0.got)
            })
    }

    private var mainKind: String {
        log.counts.max { $0.value < $1.value }?.key.kind.rawValue ?? "type_mismatch"
    }
}
