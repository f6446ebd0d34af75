import CasparianCore
import Inference

/// One file's output against a `ProvenTypesChecker`'s proof: a solver per
/// column, started from what is proven, fed on the file's lane.
final class ProvenTypesFileCheck: FileCheck {
    private let checker: ProvenTypesChecker
    private let file: String
    private var outputs: [OutputCheck] = []
    private var index: [String: Int] = [:]

    init(checker: ProvenTypesChecker, file: String) {
        self.checker = checker
        self.file = file
    }

    func consume(_ batch: RowBatch) {
        if index[batch.output] == nil {
            index[batch.output] = outputs.count
            outputs.append(OutputCheck(name: batch.output, proof: checker.proof(of: batch.output), file: file))
        }
        outputs[index[batch.output]!].consume(batch, checker: checker)
    }

    func finish(limit: Int) -> (problems: [FileProblem], more: Int) {
        var problems: [FileProblem] = []
        var total = 0
        func add(_ p: FileProblem, counting n: Int = 1) {
            total += n
            if problems.count < limit { problems.append(p) }
        }
        for k in outputs.indices {
            outputs[k].end()
            outputs[k].judge(checker: checker, add)
        }
        if total == 0 {
            for p in checker.admit(outputs) { add(p) }
        }
        return (problems, total - problems.count)
    }
}

/// One output of one file: its columns' checks and how many rows it had.
struct OutputCheck {
    let name: String
    /// The output's proof when the file started it; nil when unknown.
    let proof: OutputProof?
    let file: String
    private(set) var columns: [ColumnCheck] = []
    private var index: [String: Int] = [:]
    private var rows = 0
    private var firstRow: Int?

    init(name: String, proof: OutputProof?, file: String) {
        self.name = name
        self.proof = proof
        self.file = file
    }

    func column(named name: String) -> ColumnCheck? { index[name].map { columns[$0] } }

    mutating func consume(_ batch: RowBatch, checker: ProvenTypesChecker) {
        if firstRow == nil { firstRow = batch.firstRow }
        var fed = Set<Int>()
        for (c, name) in batch.columnNames.enumerated() {
            if index[name] == nil {
                var column = ColumnCheck(
                    name: name, proven: proof?[column: name], outputIsKnown: proof != nil, file: file, checker: checker)
                // Rows before the column appeared did not have it.
                column.noteAbsent(from: firstRow ?? batch.firstRow, count: rows)
                index[name] = columns.count
                columns.append(column)
            }
            let k = index[name]!
            columns[k].feed(batch.columns[c], firstRow: batch.firstRow)
            fed.insert(k)
        }
        for k in columns.indices where !fed.contains(k) { columns[k].noteAbsent(from: batch.firstRow, count: batch.rowCount) }
        rows += batch.rowCount
    }

    mutating func end() {
        for k in columns.indices { columns[k].solver.endFile() }
    }

    /// The output's problems against the proof (see `ProvenTypesChecker`).
    func judge(checker: ProvenTypesChecker, _ add: (FileProblem, Int) -> Void) {
        if proof == nil, checker.judgesShape {
            add(.unknownOutput(name, rows: rows, notIn: checker.judgedBy, known: checker.outputNames), 1)
        }
        for column in columns {
            column.judge(output: name, checker: checker, add)
        }
        for required in proof?.required ?? [] where index[required] == nil {
            let expected = "column \(required) (\(ColumnProof.describe(proof![column: required]!.hypotheses)))"
            add(
                .mismatch(
                    .missingColumn, output: name, column: required, row: (firstRow ?? 0) + 1, expected: expected,
                    got: "no such column", shown: "no such column"), 1)
        }
    }
}
