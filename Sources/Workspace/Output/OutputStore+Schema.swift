import CasparianCore
import Catalog
import Contracts
import Foundation
import GRDB

extension OutputStore {
    /// Creates the plugin's output tables from its contract, or evolves the
    /// ones an earlier contract version created, and returns the layout
    /// `writeFile` needs.
    ///
    /// Evolution: a column the table lacks is added (`ALTER TABLE ADD
    /// COLUMN`) when it is nullable or the table is empty; a column the
    /// contract dropped stays in the table and gets NULL. Changing a
    /// column's type, adding a non-nullable column to a table that has rows,
    /// or reusing a table another plugin owns is refused with an error that
    /// says what to do. Non-null is enforced by the contract before rows are
    /// written, not by the table, so that making a column nullable later is
    /// a compatible change.
    public func prepare(plugin: String, contractVersion: Int, schemas: [LockedSchema]) throws -> PluginOutputs {
        let desired = try schemas.map(OutputStore.layout(for:))
        var seen = Set<String>()
        for t in desired where !seen.insert(t.table.lowercased()).inserted {
            throw CasparianError(
                .usage, "the contract of \(plugin) names output \"\(t.output)\" twice",
                hint: "each output of a contract must have its own name")
        }
        do {
            return try prepareTables(desired, plugin: plugin, contractVersion: contractVersion)
        } catch {
            throw mappingDiskFull(error, writing: "the tables of \(plugin)")
        }
    }

    private func prepareTables(_ desired: [OutputTable], plugin: String, contractVersion: Int) throws -> PluginOutputs {
        try pool.write { db in
            var tables: [String: OutputTable] = [:]
            for t in desired {
                if let owner = try Row.fetchOne(db, sql: "SELECT * FROM _cf_outputs WHERE table_name = ?", arguments: [t.table]) {
                    let ownerPlugin: String = owner["plugin"]
                    guard ownerPlugin == plugin else {
                        throw CasparianError(
                            .conflict, "output table \"\(t.table)\" already holds the output of plugin \(ownerPlugin), not \(plugin)",
                            hint:
                                "give this output another name in \(plugin)'s parser (yield Output(\"name\", row)), or drop the other table with `casparian output drop \(t.table)`"
                        )
                    }
                    let existing = try JSONDecoder().decode([OutputColumn].self, from: Data((owner["columns_json"] as String).utf8))
                    let merged = try evolve(db, table: t, existing: existing, plugin: plugin, contractVersion: contractVersion)
                    try db.execute(
                        sql: """
                            UPDATE _cf_outputs SET contract_version = ?, columns_json = ?, updated_at = ? WHERE table_name = ?
                            """, arguments: [contractVersion, try OutputStore.json(merged), Timestamp.now(), t.table])
                } else {
                    if try db.tableExists(t.table) {
                        throw CasparianError(
                            .conflict, "output.sqlite already has a table \"\(t.table)\" that Casparian did not create",
                            hint: "rename or drop that table, or give the output another name in the parser")
                    }
                    try create(db, table: t)
                    let now = Timestamp.now()
                    try db.execute(
                        sql: """
                            INSERT INTO _cf_outputs(table_name, plugin, output, contract_version, columns_json, created_at, updated_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """, arguments: [t.table, plugin, t.output, contractVersion, try OutputStore.json(t.columns), now, now])
                }
                tables[t.output] = t
            }
            let all = try String.fetchAll(
                db, sql: "SELECT table_name FROM _cf_outputs WHERE plugin = ? ORDER BY table_name",
                arguments: [plugin])
            return PluginOutputs(plugin: plugin, contractVersion: contractVersion, tables: tables, allTables: all)
        }
    }

    /// Drops an output table and forgets its rows' quarantine and write
    /// records, so the next run rebuilds it from scratch.
    public func dropTable(_ table: String) throws {
        try pool.write { db in
            guard
                let owner = try Row.fetchOne(db, sql: "SELECT plugin, table_name FROM _cf_outputs WHERE table_name = ?", arguments: [table])
            else {
                throw CasparianError(
                    .notFound, "output.sqlite has no output table \"\(table)\"",
                    hint: "`casparian output list` shows the output tables")
            }
            let plugin: String = owner["plugin"]
            let name: String = owner["table_name"]
            try db.execute(sql: "DROP TABLE \(SQLName.quote(name))")
            try db.execute(sql: "DELETE FROM _cf_outputs WHERE table_name = ?", arguments: [name])
            // The plugin's files are no longer completely written.
            try db.execute(sql: "DELETE FROM _cf_file_writes WHERE plugin = ?", arguments: [plugin])
            try db.execute(sql: "DELETE FROM _cf_quarantine WHERE plugin = ?", arguments: [plugin])
            try db.execute(sql: "DELETE FROM _cf_file_rows WHERE table_name = ?", arguments: [name])
        }
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

    private static func checkName(_ name: String, what: String, in output: String? = nil) throws {
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

    private func create(_ db: Database, table t: OutputTable) throws {
        let data = t.columns.map { "\(SQLName.quote($0.name)) \($0.type.sqliteType)" }
        let lineage = [
            "\(LineageColumn.file) TEXT NOT NULL", "\(LineageColumn.row) INTEGER NOT NULL",
            "\(LineageColumn.parserVersion) TEXT NOT NULL", "\(LineageColumn.run) TEXT NOT NULL",
        ]
        // No index on the lineage: a file's rows are found by their rowid range (`_cf_file_rows`).
        try db.execute(sql: "CREATE TABLE \(SQLName.quote(t.table)) (\((data + lineage).joined(separator: ", ")))")
    }

    /// Adds what the new contract needs; returns the table's columns after.
    private func evolve(_ db: Database, table t: OutputTable, existing: [OutputColumn], plugin: String, contractVersion: Int) throws
        -> [OutputColumn]
    {
        var merged = existing
        let byName = Dictionary(existing.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        let isEmpty = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM \(SQLName.quote(t.table)) LIMIT 1)") == 0
        let what = "output table \"\(t.table)\" cannot take contract version \(contractVersion) of \(plugin)"
        let rebuild = "or drop the table (`casparian output drop \(t.table)`) and re-run \(plugin) on every file to rebuild it"
        for c in t.columns {
            if let old = byName[c.name.lowercased()] {
                guard old.type == c.type else {
                    throw CasparianError(
                        .conflict,
                        "\(what): column \(c.name) holds \(old.type.rawValue) values and the contract now says \(c.type.rawValue)",
                        hint: "keep the type, or rename the column (rename_to) so it becomes a new nullable column, \(rebuild)")
                }
                continue
            }
            guard c.nullable || isEmpty else {
                throw CasparianError(
                    .conflict,
                    "\(what): it adds column \(c.name), which is not nullable, but the table's existing rows have no value for it",
                    hint: "make \(c.name) nullable in the amendment, \(rebuild)")
            }
            try db.execute(sql: "ALTER TABLE \(SQLName.quote(t.table)) ADD COLUMN \(SQLName.quote(c.name)) \(c.type.sqliteType)")
            merged.append(c)
        }
        return merged
    }

    static func json(_ columns: [OutputColumn]) throws -> String {
        try columns.jsonText()
    }
}
