import CasparianCore

/// Checks parser output against one locked schema and normalises it for
/// writing (text dates become `.date`, integer text `.int`, null sentinels
/// `.null`, missing columns their default, renamed columns their new name).
///
/// Build one per schema and reuse it for every batch: the per-column plans
/// (types, parsed formats, defaults) are prepared once. Checking runs column
/// by column with no allocation for cells that are already right; a column
/// is copied only when some cell needs converting.
public struct ContractValidator: Sendable {
    public let schema: LockedSchema
    let plans: [ColumnPlan]
    let lockedNames: Set<String>

    /// Fails when the schema itself is unusable (a format that is not a
    /// valid strftime pattern for the column's type, a default that is not
    /// a value of the column's type) — `ContractFile` reports the same
    /// problems with their JSON path.
    public init(schema: LockedSchema) throws {
        self.schema = schema
        var plans: [ColumnPlan] = []
        for column in schema.columns {
            do {
                plans.append(try ColumnPlan(column: column, output: schema.output))
            } catch {
                throw CasparianError(
                    .usage, "output \(schema.output), column \(column.name), \(error.field): \(error.message)", hint: error.hint)
            }
        }
        self.plans = plans
        lockedNames = Set(schema.columns.map(\.name))
    }

    /// Checks `batch` (rows of `file`), adds what is wrong to `log`, and
    /// returns the batch normalised for writing: the schema's columns in
    /// locked order, named by their output names, under the schema's output
    /// name. Cells with a violation keep their original value; a file with
    /// violations must not be written.
    ///
    /// The batch is consumed: values are converted in place, so a batch the
    /// caller no longer holds costs no copy (one it still holds is copied on
    /// the first conversion, as arrays are).
    public func validate(_ batch: consuming RowBatch, into log: inout FileViolations) -> RowBatch {
        var batch = batch
        let n = batch.rowCount
        var positions: [String: Int] = [:]
        positions.reserveCapacity(batch.columnNames.count)
        for (i, name) in batch.columnNames.enumerated() { positions[name] = i }
        var normalized = RowBatch(output: schema.output, columnNames: plans.map(\.outputName), firstRow: batch.firstRow)
        for (ci, plan) in plans.enumerated() {
            if let bi = positions[plan.name], batch.columns[bi].count == n {
                var column: [CellValue] = []
                swap(&column, &batch.columns[bi])  // keep the array uniquely referenced
                check(&column, plan: plan, file: log.file, firstRow: batch.firstRow, log: &log)
                normalized.columns[ci] = column
            } else {
                normalized.columns[ci] = missingColumn(plan, rows: n, file: log.file, firstRow: batch.firstRow, log: &log)
            }
        }
        if schema.mode == .strict {
            for (bi, name) in batch.columnNames.enumerated() where !lockedNames.contains(name) {
                reportExtraColumn(name, cells: batch.columns[bi], file: log.file, firstRow: batch.firstRow, log: &log)
            }
        }
        log.rows += n
        log.cells += n * plans.count
        return normalized
    }

    /// Validates one batch on its own: the normalised batch and every
    /// violation (up to `cap`).
    public func validateAndNormalize(_ batch: RowBatch, file: String, cap: Int = 1000) -> (normalized: RowBatch, violations: [Violation]) {
        var log = FileViolations(file: file, cap: cap)
        let normalized = validate(batch, into: &log)
        return (normalized, log.violations)
    }

    /// The hot loop: one column, one pass, converting in place. Cells that
    /// already have the locked type are recognised by their tag alone (no
    /// payload copy); no nested closures, whose captured `inout` state would
    /// be checked for exclusivity on every cell.
    private func check(_ column: inout [CellValue], plan: ColumnPlan, file: String, firstRow: Int, log: inout FileViolations) {
        var unstored = UnstoredCounts()
        var memo = TemporalMemo()
        let temporal = plan.temporal
        let n = column.count
        var i = 0
        while true {
            i = plan.skipTyped(column, from: i)
            if i >= n { break }
            if let format = temporal, case .string(let s) = column[i], !plan.isSentinel(s), let v = memo.parse(s, with: format) {
                column[i] = v
                i += 1
                continue
            }
            // Anything else, temporal text that does not parse as it is included (`plan.check` reads
            // it again with the spaces around it dropped, as discovery does).
            switch plan.check(column[i]) {
            case .ok:
                break
            case .replace(let value):
                column[i] = value
            case .null(let wasSentinel):
                if !plan.nullable {
                    ContractValidator.report(.nullNotAllowed, plan, column[i], file, firstRow + i + 1, &log, &unstored)
                }
                if wasSentinel { column[i] = .null }
            case .absent:
                if let d = plan.defaultCell {
                    column[i] = d
                } else {
                    ContractValidator.report(.missingColumn, plan, column[i], file, firstRow + i + 1, &log, &unstored)
                }
            case .bad(let kind):
                ContractValidator.report(kind, plan, column[i], file, firstRow + i + 1, &log, &unstored)
            }
            i += 1
        }
        unstored.flush(into: &log, column: plan.name)
    }

    @inline(__always)
    private static func report(
        _ kind: Violation.Kind, _ plan: ColumnPlan, _ cell: CellValue, _ file: String, _ row: Int,
        _ log: inout FileViolations, _ unstored: inout UnstoredCounts
    ) {
        if log.wantsDetail {
            log.record(plan.violation(kind, cell: cell, file: file, row: row))
        } else {
            unstored.add(kind)
        }
    }

    private func missingColumn(_ plan: ColumnPlan, rows n: Int, file: String, firstRow: Int, log: inout FileViolations) -> [CellValue] {
        if let d = plan.defaultCell { return Array(repeating: d, count: n) }
        if n > 0, log.reportedColumns.insert("missing:" + plan.name).inserted {
            log.record(
                Violation(
                    kind: .missingColumn, file: file, output: schema.output, row: firstRow + 1, column: plan.name,
                    expected: "column \(plan.name) (\(plan.type.rawValue))", got: "no such column", gotType: "absent"))
        }
        return Array(repeating: .absent, count: n)
    }

    private func reportExtraColumn(_ name: String, cells: [CellValue], file: String, firstRow: Int, log: inout FileViolations) {
        guard let first = cells.firstIndex(where: { $0 != .absent }) else { return }
        guard log.reportedColumns.insert("extra:" + name).inserted else { return }
        log.record(
            Violation(
                kind: .extraColumn, file: file, output: schema.output, row: firstRow + first + 1, column: name,
                expected: "only the \(schema.columns.count) locked columns (schema mode strict)",
                got: cells[first].truncatedText(ColumnPlan.valueLimit), gotType: cells[first].kindName))
    }
}

/// Violations of one column past the cap, counted in registers and added
/// to the log once per column.
struct UnstoredCounts {
    var type = 0, null = 0, format = 0, missing = 0

    @inline(__always) mutating func add(_ kind: Violation.Kind) {
        switch kind {
        case .typeMismatch: type += 1
        case .nullNotAllowed: null += 1
        case .formatMismatch: format += 1
        case .missingColumn: missing += 1
        case .extraColumn: break
        }
    }

    func flush(into log: inout FileViolations, column: String) {
        log.count(.typeMismatch, column: column, type)
        log.count(.nullNotAllowed, column: column, null)
        log.count(.formatMismatch, column: column, format)
        log.count(.missingColumn, column: column, missing)
    }
}
