import CasparianCore
import Contracts

/// One column of an output table: where its values come from in a row
/// batch (`source`, the contract's column name) and what the table calls it.
public struct OutputColumn: Sendable, Equatable, Codable {
    /// The column name the plugin emits (the contract's `name`).
    public var source: String
    /// The column name in the table (`rename_to`, else `source`).
    public var name: String
    public var type: DataType
    public var nullable: Bool

    public init(source: String, name: String, type: DataType, nullable: Bool) {
        self.source = source
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    init(_ locked: LockedColumn) {
        self.init(source: locked.name, name: locked.renameTo ?? locked.name, type: locked.type, nullable: locked.nullable)
    }
}

/// The table one output is written to.
public struct OutputTable: Sendable, Equatable {
    /// The output name the plugin yields rows under.
    public var output: String
    /// The SQLite table name (the output name).
    public var table: String
    /// The contract's columns, in contract order. The table may hold more
    /// (columns a previous contract version had); those get NULL.
    public var columns: [OutputColumn]
}

extension OutputTable {
    /// The tables a contract's schemas ask for, with names checked (the
    /// same rules for every target; a target may add its own).
    static func layouts(for schemas: [LockedSchema], plugin: String) throws -> [OutputTable] {
        let desired = try schemas.map(layout(for:))
        var seen = Set<String>()
        for t in desired where !seen.insert(t.table.lowercased()).inserted {
            throw CasparianError(
                .usage, "the contract of \(plugin) names output \"\(t.output)\" twice",
                hint: "each output of a contract must have its own name")
        }
        return desired
    }

    /// The table layout a locked schema asks for, with names checked.
    static func layout(for schema: LockedSchema) throws -> OutputTable {
        try checkName(schema.output, what: "output")
        let columns = schema.columns.map(OutputColumn.init)
        var seen = Set<String>()
        for c in columns {
            try checkName(c.name, what: "column", in: schema.output)
            guard seen.insert(c.name.lowercased()).inserted else {
                throw CasparianError(
                    .usage, "output \(schema.output) has two columns named \"\(c.name)\" (names are case-insensitive in SQLite)",
                    hint: "give one of them another name with rename_to in the contract")
            }
        }
        return OutputTable(output: schema.output, table: schema.output, columns: columns)
    }

    static func checkName(_ name: String, what: String, in output: String? = nil) throws {
        let place = output.map { " in output \($0)" } ?? ""
        let lower = name.lowercased()
        if name.isEmpty || name.contains("\0") {
            throw CasparianError(.usage, "an empty or invalid \(what) name\(place)", hint: "name every \(what) in the contract")
        }
        if lower.hasPrefix(LineageColumn.reservedPrefix) || (what == "output" && lower.hasPrefix("sqlite_")) {
            throw CasparianError(
                .usage,
                "\(what) name \"\(name)\"\(place) is reserved (names starting with _cf_\(what == "output" ? " or sqlite_" : "") belong to Casparian or SQLite)",
                hint: "rename it in the parser or with rename_to in the contract")
        }
    }

}

/// The output tables of one plugin at one contract version, as
/// `OutputStore.prepare` created or evolved them.
public struct PluginOutputs: Sendable, Equatable {
    public var plugin: String
    public var contractVersion: Int
    /// The tables of the current contract, by output name.
    public var tables: [String: OutputTable]
    /// Every table the plugin has ever written (including outputs a previous
    /// contract version had): re-writing a file clears its rows from all.
    public var allTables: [String]
}

/// The lineage columns every output table carries, after the data columns.
public enum LineageColumn {
    /// The source file's path.
    public static let file = "_cf_file"
    /// The row's 0-based index within its file and output.
    public static let row = "_cf_row"
    public static let parserVersion = "_cf_parser_version"
    public static let run = "_cf_run"
    public static let all = [file, row, parserVersion, run]
    /// Names starting with this prefix are reserved for Casparian.
    public static let reservedPrefix = "_cf_"
}

/// SQL identifier quoting: `"name"` with embedded quotes doubled.
enum SQLName {
    static func quote(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
