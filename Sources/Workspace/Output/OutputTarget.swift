import CasparianCore
import Contracts

/// Where execute writes a plugin's tables: the one protocol every target
/// implements. A source file's rows go in through `writeFile`, which begins
/// the file, takes its batches as they arrive and commits them — or, told to
/// roll back or failing, leaves nothing of the new rows and the file's
/// previous rows untouched. Every target keeps the same guarantees, tested
/// with one suite: a file's rows land all or none, re-writing a file
/// replaces its rows (never duplicates them), a process killed at any point
/// leaves each file's rows exactly once (its old or its new ones), and each
/// row carries the lineage columns (`LineageColumn`).
///
/// Targets: `OutputStore` (SQLite, `.casparian/output.sqlite`),
/// `ParquetTarget` (a folder of Parquet datasets) and `PostgresTarget`.
public protocol OutputTarget: AnyObject, Sendable {
    /// What this target is (for messages, listings and the catalog; never
    /// holds a password).
    var spec: OutputTargetSpec { get }

    /// Creates the plugin's tables from its contract, or evolves the ones an
    /// earlier contract version created (columns added, never changed), and
    /// returns the layout `writeFile` needs.
    func prepare(plugin: String, contractVersion: Int, schemas: [LockedSchema]) throws -> PluginOutputs

    /// Every file `plugin` has written to this target, by path: what
    /// "already written, unchanged" means for a re-run.
    func writtenFiles(plugin: String) throws -> [String: FileWriteRecord]

    /// Writes one file's rows atomically, replacing what the file had in
    /// every table of the plugin: `next` gives the batches as they arrive
    /// until it says commit or roll back. Returns nil when rolled back.
    func writeFile(_ write: FileWrite, outputs: PluginOutputs, next: () -> StreamedRows) throws -> FileWriteSummary?

    /// The quarantined values of one file.
    func quarantine(plugin: String, file: String) throws -> [QuarantinedValue]

    /// The output tables and their owners.
    func tables() throws -> [OutputTableInfo]

    /// Drops an output table and forgets its files' writes, so the next run
    /// of its plugin rebuilds it.
    func dropTable(_ table: String) throws

    /// Gives back what a failed write may still hold on the disk (best effort).
    func releaseSpace()

    /// The run's writes are over: brings what describes the target as a
    /// whole up to date (a Parquet folder's manifests).
    func finish() throws

    /// How many files `writeFile` may write at once (from as many threads).
    var concurrentWrites: Int { get }
}

/// What a streamed file write takes next.
public enum StreamedRows {
    case batch(RowBatch)
    /// The file ended well: commit, with these quarantined values.
    case commit([QuarantinedValue])
    /// The file failed: nothing of it is written.
    case rollback

    /// Takes batches from `next` until the file ends, handing each to
    /// `write` with the table of its output (an output the contract lacks
    /// fails the file), and counting rows per output in `summary`. Returns
    /// the quarantined values to commit, or nil when the file rolled back.
    static func drain(
        _ next: () -> StreamedRows, file: String, outputs: PluginOutputs, summary: inout FileWriteSummary,
        write: (RowBatch, OutputTable) throws -> Void
    ) throws -> [QuarantinedValue]? {
        try drainRuns(next, file: file, outputs: outputs, summary: &summary) { table, nextInRun in
            while let batch = try nextInRun() { try write(batch, table) }
        }
    }

    /// `drain`, with consecutive batches of one table handed over as a
    /// run: `write` is called once per run with the table and a function
    /// that gives the run's next batch, or nil once the run is over (so a
    /// target can keep one COPY open for the run). `write` takes its run
    /// to the end (nil) unless it throws. Empty batches are counted and
    /// skipped.
    static func drainRuns(
        _ next: () -> StreamedRows, file: String, outputs: PluginOutputs, summary: inout FileWriteSummary,
        write: (OutputTable, () throws -> RowBatch?) throws -> Void
    ) throws -> [QuarantinedValue]? {
        // `write` only calls the run's function while it runs.
        try withoutActuallyEscaping(next) { next in
            try drainRuns(escapable: next, file: file, outputs: outputs, summary: &summary, write: write)
        }
    }

    private static func drainRuns(
        escapable next: @escaping () -> StreamedRows, file: String, outputs: PluginOutputs, summary: inout FileWriteSummary,
        write: (OutputTable, () throws -> RowBatch?) throws -> Void
    ) throws -> [QuarantinedValue]? {
        var held: StreamedRows?
        func table(of batch: RowBatch) throws -> OutputTable {
            guard let table = outputs.tables[batch.output] else {
                throw unknownOutputError(batch.output, outputs: outputs, file: file)
            }
            return table
        }
        while true {
            let item = held ?? next()
            held = nil
            switch item {
            case .batch(let first):
                let runTable = try table(of: first)
                summary.rows[first.output, default: 0] += first.rowCount
                var pending: RowBatch? = first.rowCount > 0 ? first : nil
                try write(runTable) {
                    if let batch = pending {
                        pending = nil
                        return batch
                    }
                    while true {
                        let following = next()
                        guard case .batch(let batch) = following, try table(of: batch).table == runTable.table else {
                            held = following
                            return nil
                        }
                        summary.rows[batch.output, default: 0] += batch.rowCount
                        if batch.rowCount > 0 { return batch }
                    }
                }
            case .commit(let quarantine):
                for output in outputs.tables.keys where summary.rows[output] == nil { summary.rows[output] = 0 }
                summary.quarantined = quarantine.count
                return quarantine
            case .rollback:
                return nil
            }
        }
    }
}

extension OutputTarget {
    public func finish() throws {}

    /// One file at a time, unless the target says otherwise.
    public var concurrentWrites: Int { 1 }

    /// Writes one file whose batches are all in `write.batches`.
    @discardableResult
    public func writeFile(_ write: FileWrite, outputs: PluginOutputs) throws -> FileWriteSummary {
        var batches = write.batches.makeIterator()
        let summary = try writeFile(write, outputs: outputs) {
            if let b = batches.next() { return .batch(b) }
            return .commit(write.quarantine)
        }
        return summary!  // never rolled back
    }
}

/// The error a batch value of the wrong type gets, the same from every
/// target: rows must be normalised to the contract before they are written.
func wrongTypeError(table: OutputTable, column: OutputColumn, row: Int, value: CellValue, file: String) -> CasparianError {
    CasparianError(
        .data,
        "output \(table.output), column \(column.name) (\(column.type.rawValue)), row \(row) of \(file): got \(value.kindName) \(value.truncatedText(40)), which is not a \(column.type.rawValue) value; nothing of the file was written",
        hint: "rows must be validated and normalised against the contract before they are written")
}

/// The error a batch of an output the contract lacks gets, from every target.
private func unknownOutputError(_ output: String, outputs: PluginOutputs, file: String) -> CasparianError {
    CasparianError(
        .data,
        "\(file) produced output \"\(output)\", which contract version \(outputs.contractVersion) of \(outputs.plugin) does not have",
        hint: "approve an amendment that adds the output, or stop the parser from yielding it")
}

extension OutputTable {
    /// The columns a new contract version adds to a table that has
    /// `existing`, by the rules every target keeps: a column may be added
    /// when it is nullable or the table holds no rows (`canAddRequired`); a
    /// column's type never changes; a column the contract dropped stays.
    /// `rebuild` says how to drop the table and start again.
    func additions(
        to existing: [OutputColumn], canAddRequired: Bool, plugin: String, contractVersion: Int, label: String, rebuild: String
    ) throws -> [OutputColumn] {
        let byName = Dictionary(existing.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        let what = "\(label) cannot take contract version \(contractVersion) of \(plugin)"
        let startOver = "or drop the table (\(rebuild)) and re-run \(plugin) on every file to rebuild it"
        var added: [OutputColumn] = []
        for c in columns {
            if let old = byName[c.name.lowercased()] {
                guard old.type == c.type else {
                    throw CasparianError(
                        .conflict,
                        "\(what): column \(c.name) holds \(old.type.rawValue) values and the contract now says \(c.type.rawValue)",
                        hint: "keep the type, or rename the column (rename_to) so it becomes a new nullable column, \(startOver)")
                }
                continue
            }
            guard c.nullable || canAddRequired else {
                throw CasparianError(
                    .conflict,
                    "\(what): it adds column \(c.name), which is not nullable, but the table's existing rows have no value for it",
                    hint: "make \(c.name) nullable in the amendment, \(startOver)")
            }
            added.append(c)
        }
        return added
    }
}
