import CasparianCore

extension ContractShape {
    /// Columns of an SQLite table (`SQLITE_MAX_COLUMN` as Debian builds it).
    static let sqliteMaxColumns = 2000
    /// The lineage columns every output table gets after its own.
    public static let lineageColumnCount = 4
    /// Output columns a schema may have: SQLite's limit less the lineage columns.
    public static var maxColumns: Int { sqliteMaxColumns - lineageColumnCount }

    /// What makes a schema impossible as an output table, checked at approval
    /// (so `run` never meets it): more columns than SQLite allows, table names
    /// SQLite or Casparian reserve (`sqlite_…`, `_cf_…` bookkeeping tables),
    /// columns named like the lineage columns (`_cf_…`), and names that
    /// differ only in letter case (SQLite folds them). Each problem is named
    /// with its JSON path; `nil` when the tables can be created.
    static func tableProblem(_ contract: SchemaContract) -> (jsonPath: String, message: String, hint: String)? {
        var tables: [String: String] = [:]
        for (i, schema) in contract.schemas.enumerated() {
            let at = "$.schemas[\(i)]"
            let table = schema.output
            let folded = table.lowercased()
            if folded.hasPrefix("sqlite_") || folded.hasPrefix("_cf_") {
                return (
                    "\(at).output",
                    "\"\(short(table))\" cannot be an output table: names starting with "
                        + (folded.hasPrefix("sqlite_") ? "sqlite_ are reserved by SQLite" : "_cf_ are Casparian's bookkeeping tables"),
                    "name the table otherwise, e.g. --override \(short(table)).name=\(suggestion(table))"
                )
            }
            if let other = tables[folded] {
                return (
                    "\(at).output",
                    "outputs \"\(short(other))\" and \"\(short(table))\" would be one table (SQLite ignores letter case in names)",
                    "rename one with --override OUTPUT.name=TABLE"
                )
            }
            tables[folded] = table
            if schema.columns.count > maxColumns {
                return (
                    "\(at).columns",
                    "output \(short(table)) has \(schema.columns.count) columns; an SQLite table holds at most "
                        + "\(sqliteMaxColumns), \(lineageColumnCount) of them lineage columns, so at most \(maxColumns)",
                    "split the plugin's rows into several outputs (ctx outputs, or a list of columns per output), or keep fewer columns"
                )
            }
            var columns: [String: String] = [:]
            for (j, column) in schema.columns.enumerated() {
                let name = column.outputName
                let cat = "\(at).columns[\(j)].\(column.renameTo == nil ? "name" : "rename_to")"
                let foldedName = name.lowercased()
                if foldedName.hasPrefix("_cf_") {
                    return (
                        cat,
                        "column \"\(short(name))\" of \(short(table)) cannot be written: names starting with _cf_ are the lineage columns",
                        "rename it, e.g. --override \(short(column.name)).rename_to=\(suggestion(name))"
                    )
                }
                if let other = columns[foldedName] {
                    return (
                        cat,
                        "columns \"\(short(other))\" and \"\(short(name))\" of \(short(table)) would be one column (SQLite ignores letter case in names)",
                        "rename one, e.g. --override \(short(column.name)).rename_to=\(short(name))_2"
                    )
                }
                columns[foldedName] = name
            }
        }
        return nil
    }

    /// A name shortened for a message: a pathological name must not make one huge.
    static func short(_ s: String) -> String { s.count > 60 ? String(s.prefix(60)) + "…" : s }

    /// `sqlite_stat1` → `stat1`, `_cf_file` → `cf_file`.
    static func suggestion(_ name: String) -> String {
        var s = Substring(name)
        while s.first == "_" { s = s.dropFirst() }
        if s.lowercased().hasPrefix("sqlite_") { s = s.dropFirst(7) }
        return s.isEmpty ? "data" : short(String(s))
    }
}
