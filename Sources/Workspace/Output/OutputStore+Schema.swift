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
        let desired = try OutputTable.layouts(for: schemas, plugin: plugin)
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

    private func create(_ db: Database, table t: OutputTable) throws {
        let data = t.columns.map { "\(SQLName.quote($0.name)) \($0.type.sqliteType)" }
        let lineage = [
            "\(LineageColumn.file) TEXT NOT NULL", "\(LineageColumn.row) INTEGER NOT NULL",
            "\(LineageColumn.parserVersion) TEXT NOT NULL", "\(LineageColumn.run) TEXT NOT NULL",
        ]
        // No index on the lineage: a file's rows are found by their rowid range (`_cf_file_rows`).
        try db.execute(sql: "CREATE TABLE \(SQLName.quote(t.table)) (\((data + lineage).joined(separator: ", ")))")
    }

    /// Adds what the new contract needs (the rules of every target);
    /// returns the table's columns after.
    private func evolve(_ db: Database, table t: OutputTable, existing: [OutputColumn], plugin: String, contractVersion: Int) throws
        -> [OutputColumn]
    {
        let isEmpty = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM \(SQLName.quote(t.table)) LIMIT 1)") == 0
        let added = try t.additions(
            to: existing, canAddRequired: isEmpty, plugin: plugin, contractVersion: contractVersion,
            label: "output table \"\(t.table)\"", rebuild: "`casparian output drop \(t.table)`")
        for c in added {
            try db.execute(sql: "ALTER TABLE \(SQLName.quote(t.table)) ADD COLUMN \(SQLName.quote(c.name)) \(c.type.sqliteType)")
        }
        return existing + added
    }

    static func json(_ columns: [OutputColumn]) throws -> String {
        try columns.jsonText()
    }
}
