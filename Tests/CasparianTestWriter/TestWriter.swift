import ArgumentParser
import CasparianCore
import Contracts
import Foundation
import Workspace

/// `casparian-test-writer DB`: writes synthetic files into an output
/// database through `OutputStore`, printing `begin NAME` before and
/// `committed NAME` after each file. Crash tests kill it with SIGKILL
/// mid-write to prove a file's rows land all or none; other tests use it to
/// fill an output database quickly. Built with the tests, never shipped.
@main
struct TestWriter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casparian-test-writer", abstract: "Write synthetic rows into an output database (for crash tests).")

    @Argument(help: "The output database file.")
    var database: String

    @Option(help: "How many files to write.")
    var files = 10

    @Option(help: "Rows per file.")
    var rows = 10_000

    @Option(name: .customLong("run"), help: "The run id stored in _cf_run.")
    var runID = "run_debug"

    @Option(help: "The plugin that owns the table.")
    var plugin = "synthetic"

    static let schema = LockedSchema(
        output: "synthetic",
        columns: [
            LockedColumn(name: "id", type: .int64, nullable: false),
            LockedColumn(name: "name", type: .string, nullable: false),
            LockedColumn(name: "amount", type: .float64, nullable: true),
            LockedColumn(name: "day", type: .date, nullable: false),
            LockedColumn(name: "ok", type: .boolean, nullable: false),
        ])

    func run() throws {
        let store = try OutputStore(url: URL(fileURLWithPath: database))
        let outputs = try store.prepare(plugin: plugin, contractVersion: 1, schemas: [Self.schema])
        for f in 0..<files {
            let name = "file_\(f)"
            var batch = RowBatch(output: "synthetic", columnNames: Self.schema.columns.map(\.name))
            for r in 0..<rows {
                batch.append(row: [
                    .int(Int64(r)), .string("\(name)-\(r)"), r % 7 == 0 ? .null : .float(Double(r) / 4),
                    .date(days: Int32(19_000 + r % 365)), .bool(r & 1 == 0),
                ])
            }
            Self.line("begin \(name)")
            try store.writeFile(FileWrite(file: name, run: runID, parserVersion: "1", batches: [batch]), outputs: outputs)
            Self.line("committed \(name)")
        }
    }

    /// One unbuffered write: the test reading the pipe sees the line at once.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
