import CasparianCore
import CasparianTestSupport
import Contracts
import Foundation
import GRDB
import Workspace

/// Files, output stores and batches for the workspace tests.
enum TestSupport {
    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// A fresh output store in a temporary folder.
    static func outputStore() throws -> OutputStore {
        try OutputStore(url: try TemporaryFolder.create("output").appendingPathComponent("output.sqlite"))
    }

    /// An independent read connection to a database file.
    static func inspect<T>(_ url: URL, _ body: (Database) throws -> T) throws -> T {
        try DatabaseQueue(path: url.path).read(body)
    }

    /// A batch with the given columns and rows.
    static func batch(_ output: String, _ columns: [String], _ rows: [[CellValue]], firstRow: Int = 0) -> RowBatch {
        var b = RowBatch(output: output, columnNames: columns, firstRow: firstRow)
        for r in rows { b.append(row: r) }
        return b
    }
}
