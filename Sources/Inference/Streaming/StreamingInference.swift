import CasparianCore

/// Options of a streaming inference.
public struct InferenceOptions: Sendable, Equatable {
    public var solver: SolverOptions
    /// Stop early once every column of every output is settled (one
    /// candidate or text, no dissent) with at least this many values; nil
    /// reads everything it is given.
    public var earlyStopValues: Int?

    public init(solver: SolverOptions = SolverOptions(), earlyStopValues: Int? = nil) {
        self.solver = solver
        self.earlyStopValues = earlyStopValues
    }
}

/// Infers the columns of every output over a stream of files: batches from
/// plugins (`feed(batch:file:)`) or text records from the native CSV reader
/// (`feed(records:columns:output:file:)`). Columns are kept in the order
/// they first appear; a column missing from some files or rows is nullable.
/// Copying one costs the same however many files it has seen.
public struct StreamingInference: Sendable {
    public let options: InferenceOptions
    var outputs: [String: OutputColumns] = [:]
    var outputOrder: [String] = []
    /// Files fed so far. Files come one after another, so a count and the
    /// current name are enough: discovery copies this value before each file
    /// (to roll back one that fails part-way), and a set of every name made
    /// that copy, and so a folder of many files, quadratic.
    var fileCount = 0
    var currentFile: String?
    public private(set) var rows = 0

    public init(options: InferenceOptions = InferenceOptions()) {
        self.options = options
    }

    /// Counts a file even if it yields no rows (e.g. an empty file). A file
    /// is counted once however many batches it is fed in; feed files one
    /// after another (a name fed again after another file counts again).
    public mutating func noteFile(_ file: String) {
        guard file != currentFile else { return }
        currentFile = file
        fileCount += 1
    }

    /// Feeds a batch a plugin emitted for `file`.
    public mutating func feed(batch: RowBatch, file: String) {
        noteFile(file)
        rows += batch.rowCount
        let options = options
        withOutput(batch.output) { out in
            out.enter(file: file, options: options.solver)
            for (c, name) in batch.columnNames.enumerated() {
                let k = out.column(name, options: options.solver)
                let values = batch.columns[c]
                let first = batch.firstRow
                out.solvers[k].withFileState { solver in
                    values.withUnsafeBufferPointer { vs in
                        guard let base = vs.baseAddress else { return }
                        for i in 0..<vs.count { solver.feed(at: base + i, row: first + i) }
                    }
                }
                out.covered[k] += values.count
            }
            out.rowsInFile += batch.rowCount
        }
    }

    /// Feeds CSV records straight from the reader's bytes (no `String` per
    /// field). `columns` are the header names; missing fields are nulls.
    public mutating func feed(records: TextRecords, columns: [String], output: String, file: String) {
        noteFile(file)
        rows += records.count
        let options = options
        withOutput(output) { out in
            out.enter(file: file, options: options.solver)
            let first = records.firstRow
            let n = records.count
            for (c, name) in columns.enumerated() {
                let k = out.column(name, options: options.solver)
                out.solvers[k].withFileState { solver in
                    records.forEachField(column: c) { r, field in
                        if let field { solver.feed(text: field, row: first + r) } else { solver.recordNull(sentinel: nil) }
                    }
                }
                out.covered[k] += n
            }
            out.rowsInFile += n
        }
    }

    private mutating func withOutput(_ name: String, _ body: (inout OutputColumns) -> Void) {
        if outputs[name] == nil {
            outputs[name] = OutputColumns()
            outputOrder.append(name)
        }
        body(&outputs[name]!)
    }

    /// True when early stopping is on and every column is settled.
    public var isSatisfied: Bool {
        guard let minValues = options.earlyStopValues, !outputs.isEmpty else { return false }
        return outputs.values.allSatisfy { $0.solvers.allSatisfy { $0.isSettled(minValues: minValues) } }
    }

    /// The result over everything fed.
    public func finish() -> DiscoveryResult {
        var result = DiscoveryResult(files: fileCount, rows: rows, outputs: [])
        for name in outputOrder {
            var out = outputs[name]!
            out.closeFile()
            result.outputs.append(OutputInference(name: name, columns: out.solvers.map { $0.result() }))
        }
        return result
    }
}

/// The solvers of one output and which rows each column covered in the
/// current file, so a column absent from a file's rows counts as null.
struct OutputColumns: Sendable {
    var solvers: [ConstraintSolver] = []
    var index: [String: Int] = [:]
    var covered: [Int] = []
    var file: String?
    var rowsInFile = 0
    var rowsBefore = 0

    mutating func enter(file name: String, options: SolverOptions) {
        guard name != file else { return }
        closeFile()
        file = name
        for k in solvers.indices { solvers[k].beginFile(name) }
    }

    mutating func column(_ name: String, options: SolverOptions) -> Int {
        if let k = index[name] { return k }
        var s = ConstraintSolver(name: name, options: options)
        s.recordAbsent(rowsBefore)
        if let file { s.beginFile(file) }
        solvers.append(s)
        covered.append(0)
        index[name] = solvers.count - 1
        return solvers.count - 1
    }

    mutating func closeFile() {
        for k in solvers.indices {
            solvers[k].recordAbsent(rowsInFile - covered[k])
            covered[k] = 0
        }
        rowsBefore += rowsInFile
        rowsInFile = 0
    }
}

extension ConstraintSolver {
    /// Rows where the column was missing altogether.
    mutating func recordAbsent(_ count: Int) {
        if count > 0 { file.absent += count }
    }

    /// Runs `body` on this solver in place (one exclusive access for a loop).
    @inline(__always)
    mutating func withFileState(_ body: (inout ConstraintSolver) -> Void) { body(&self) }
}
