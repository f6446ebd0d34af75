import CasparianCore
import Contracts
import Foundation
import GRDB
import PluginHost
import Workspace

/// Temporary folders, output stores and the built `casparian` binary.
enum TestSupport {
    static func tempDirectory(_ label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casparian-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// A fresh output store in a temporary folder.
    static func outputStore() throws -> OutputStore {
        try OutputStore(url: try tempDirectory("output").appendingPathComponent("output.sqlite"))
    }

    /// An independent read connection to a database file.
    static func inspect<T>(_ url: URL, _ body: (Database) throws -> T) throws -> T {
        try DatabaseQueue(path: url.path).read(body)
    }

    /// The `casparian` binary built next to the test bundle.
    /// The built `casparian`, beside the worker binary the tests find.
    static var binary: String {
        URL(fileURLWithPath: WorkerEnvironment.defaultWorkerExecutable()).deletingLastPathComponent().appendingPathComponent("casparian").path
    }

    /// A batch with the given columns and rows.
    static func batch(_ output: String, _ columns: [String], _ rows: [[CellValue]], firstRow: Int = 0) -> RowBatch {
        var b = RowBatch(output: output, columnNames: columns, firstRow: firstRow)
        for r in rows { b.append(row: r) }
        return b
    }
}
