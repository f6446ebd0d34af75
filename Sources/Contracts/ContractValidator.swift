import CasparianCore

/// Checks parser output against one locked schema and normalises it for
/// writing (text dates become `.date`, integer text `.int`, null sentinels
/// `.null`, missing columns their default, renamed columns their new name).
///
/// Build one per schema and reuse it for every batch: the per-column plans
/// (types, parsed formats, defaults) are prepared once. Checking runs column
/// by column with no allocation for cells that are already right; a column
/// is copied only when some cell needs converting.
public struct ContractValidator {
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
                throw CasparianError(.usage, "output \(schema.output), column \(column.name), \(error.field): \(error.message)", hint: error.hint)
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
    public func validate(_ batch: RowBatch, into log: inout FileViolations) -> RowBatch {
        let n = batch.rowCount
        var positions: [String: Int] = [:]
        positions.reserveCapacity(batch.columnNames.count)
        for (i, name) in batch.columnNames.enumerated() { positions[name] = i }
        var normalized = RowBatch(output: schema.output, columnNames: plans.map(\.outputName), firstRow: batch.firstRow)
        for (ci, plan) in plans.enumerated() {
            if let bi = positions[plan.name], batch.columns[bi].count == n {
                normalized.columns[ci] = check(batch.columns[bi], plan: plan, file: log.file, firstRow: batch.firstRow, log: &log)
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

    /// The hot loop: one column, one pass.
    private func check(_ column: [CellValue], plan: ColumnPlan, file: String, firstRow: Int, log: inout FileViolations) -> [CellValue] {
        var out: [CellValue]? = nil
        var unstored = UnstoredCounts()
        @inline(__always) func materialize(_ i: Int) {
            if out == nil {
                var copy = [CellValue]()
                copy.reserveCapacity(column.count)
                copy.append(contentsOf: column[0..<i])
                out = copy
            }
        }
        @inline(__always) func violation(_ kind: Violation.Kind, _ i: Int, _ cell: CellValue) {
            if log.wantsDetail {
                log.record(plan.violation(kind, cell: cell, file: file, row: firstRow + i + 1))
            } else {
                unstored.add(kind)
            }
        }
        for i in column.indices {
            let cell = column[i]
            switch plan.check(cell) {
            case .ok:
                out?.append(cell)
            case .replace(let value):
                materialize(i)
                out!.append(value)
            case .null(let wasSentinel):
                if !plan.nullable { violation(.nullNotAllowed, i, cell) }
                if wasSentinel {
                    materialize(i)
                    out!.append(.null)
                } else {
                    out?.append(cell)
                }
            case .absent:
                if let d = plan.defaultCell {
                    materialize(i)
                    out!.append(d)
                } else {
                    violation(.missingColumn, i, cell)
                    out?.append(cell)
                }
            case .bad(let kind):
                violation(kind, i, cell)
                out?.append(cell)
            }
        }
        unstored.flush(into: &log, column: plan.name)
        return out ?? column
    }

    private func missingColumn(_ plan: ColumnPlan, rows n: Int, file: String, firstRow: Int, log: inout FileViolations) -> [CellValue] {
        if let d = plan.defaultCell { return Array(repeating: d, count: n) }
        if n > 0, log.reportedColumns.insert("missing:" + plan.name).inserted {
            log.record(Violation(kind: .missingColumn, file: file, output: schema.output, row: firstRow + 1, column: plan.name,
                                 expected: "column \(plan.name) (\(plan.type.rawValue))", got: "no such column", gotType: "absent"))
        }
        return Array(repeating: .absent, count: n)
    }

    private func reportExtraColumn(_ name: String, cells: [CellValue], file: String, firstRow: Int, log: inout FileViolations) {
        guard let first = cells.firstIndex(where: { $0 != .absent }) else { return }
        guard log.reportedColumns.insert("extra:" + name).inserted else { return }
        log.record(Violation(kind: .extraColumn, file: file, output: schema.output, row: firstRow + first + 1, column: name,
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
