import ArgumentParser
import CLISupport
import CasparianCore
import Foundation
import Workspace

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one read-only SQL statement over the output tables.",
        discussion: """
            The output database is opened read-only; only a single SELECT (or WITH … SELECT, or a \
            read-only PRAGMA such as table_info) is accepted. Lineage columns: _cf_file, _cf_row, \
            _cf_parser_version, _cf_run. `casparian output list` shows the tables of every target.
            With --target postgresql://…, the statement runs on that server in a read-only transaction \
            with a statement timeout, over the tables of the target's schema.
            Examples:
              casparian query "SELECT region, sum(amount) FROM sales GROUP BY region" --csv
              casparian query "SELECT count(*) FROM sales" --target postgresql://me@db/analytics --schema sales
            """)

    @Argument(help: "The SQL statement.")
    var sql: String

    @Flag(help: "Print JSON ({columns, rows, truncated, row_count}).")
    var json = false

    @Flag(help: "Print CSV (RFC 4180).")
    var csv = false

    @Option(help: "Return at most this many rows.")
    var limit = 1_000

    @Option(help: "Stop the query after this many seconds.")
    var timeout: Double = 30

    @Option(
        name: .customLong("max-bytes"),
        help: ArgumentHelp(
            "Return at most this many bytes of values (default 256 MiB).",
            discussion: "Values count as their text (blobs as hex). Reaching it prints the rows within it and fails with exit code 2."))
    var maxBytes = 256 << 20

    @Option(help: "The target to read: sqlite (default) or a postgresql:// URL that `casparian run --to` wrote.")
    var target = "sqlite"

    @Option(help: "PostgreSQL targets: the schema of the tables (default: the URL's search_path, else public).")
    var schema: String?

    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        guard !(json && csv) else { throw ValidationError("choose one of --json and --csv") }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1 (got \(limit))") }
        guard timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds (got \(timeout))") }
        guard maxBytes > 0 else { throw ValidationError("--max-bytes must be at least 1 (got \(maxBytes))") }
    }

    func run() async throws {
        let spec = try OutputTargetSpec(
            parsing: target, schema: schema, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let options = QueryOptions(maxRows: limit, maxBytes: maxBytes, timeLimit: .milliseconds(Int(timeout * 1000)))
        let result: QueryResult
        if spec.kind == .sqlite {
            // Only the output database, read-only: the catalog (which needs write access) stays closed.
            let root = try workspace.existingRoot()
            result = try ReadOnlyQuery(database: Workspace.outputURL(root: root), options: options).run(sql)
        } else {
            result = try Workspace.query(sql, target: spec, options: options)
        }
        if json {
            try Output.printJSON(result)
        } else if csv {
            Output.line(CSVText.line(result.columns))
            for row in result.rows { Output.line(CSVText.line(row.map { $0.text ?? "" })) }
        } else {
            Output.line(TableRenderer(headers: result.columns, rows: result.rows.map { $0.map(\.text) }).render())
            Output.error(Style.dim("\(Formatting.count(result.rowCount)) rows"))
        }
        if result.truncatedBy == .byteLimit {
            throw CasparianError(
                .usage,
                "output incomplete: stopped at the output cap of \(Formatting.count(maxBytes)) bytes after \(Formatting.count(result.rowCount)) rows; more rows match",
                hint: "select fewer or smaller columns, aggregate in SQL, or raise --max-bytes")
        }
        if result.truncated, !json {
            Output.error(
                Style.yellow("truncated: ")
                    + "only the first \(Formatting.count(result.rowCount)) rows are shown (raise --limit, or aggregate in SQL)")
        }
    }
}

/// RFC 4180 fields.
enum CSVText {
    static func line(_ fields: [String]) -> String {
        fields.map { f in
            f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
        }.joined(separator: ",")
    }
}
