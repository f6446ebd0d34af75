import CasparianCore

@testable import Inference

/// Runs a solver over text values, one list per file.
func solve(_ name: String = "col", files: [String: [String?]]) -> ColumnInference {
    var solver = ConstraintSolver(name: name)
    for (file, values) in files.sorted(by: { $0.key < $1.key }) {
        solver.beginFile(file)
        for (row, v) in values.enumerated() { solver.feed(v.map(CellValue.string) ?? .null, row: row) }
    }
    return solver.result()
}

func solve(_ values: [String?], name: String = "col") -> ColumnInference {
    solve(name, files: ["a.csv": values])
}

func solveTyped(_ values: [CellValue]) -> ColumnInference {
    var solver = ConstraintSolver(name: "col")
    for (row, v) in values.enumerated() { solver.feed(v, file: "a", row: row) }
    return solver.result()
}
