import CasparianCore
import Contracts
import Foundation
import GRDB

extension Catalog {
    /// Approves discovery `discoveryID` for `plugin` in one transaction:
    /// `build` turns the discovery (and the plugin's current contract, if
    /// any) into the new contract version, which is stored, marked on the
    /// discovery, and handed to `beforeCommit` (which writes
    /// `contract.json`; if it throws, nothing is committed).
    ///
    /// Exactly one of several concurrent approvals of the same discovery
    /// wins; the others get a `conflict` error naming the contract that won.
    public func approveDiscovery(
        _ discoveryID: String, plugin: String,
        build: (StoredDiscovery, SchemaContract?) throws -> SchemaContract,
        beforeCommit: (SchemaContract) throws -> Void = { _ in }
    ) throws -> SchemaContract {
        try pool.write { db in
            let discovery = try self.discovery(id: discoveryID, db: db)
            if let winner = discovery.approvedContractID {
                throw try approvedAlready(discoveryID, contractID: winner, db: db)
            }
            let contract = try build(discovery, try latestContract(plugin: plugin, db: db))
            try insertContract(contract, discoveryID: discoveryID, db: db)
            try db.execute(
                sql: "UPDATE discoveries SET approved_contract_id = ? WHERE id = ? AND approved_contract_id IS NULL",
                arguments: [contract.id, discoveryID])
            guard db.changesCount == 1 else { throw try approvedAlready(discoveryID, contractID: contract.id, db: db) }
            try beforeCommit(contract)
            return contract
        }
    }

    /// Stores one contract version. `(id, version)` is unique: a second
    /// writer of the same version gets a `conflict` error.
    public func saveContract(_ contract: SchemaContract, discoveryID: String? = nil) throws {
        try pool.write { db in try insertContract(contract, discoveryID: discoveryID, db: db) }
    }

    /// The plugin's contract: `version`, or the latest.
    public func contract(plugin: String, version: Int? = nil) throws -> SchemaContract {
        let found = try pool.read { db -> SchemaContract? in
            if let version {
                return try fetchContracts(db, "WHERE plugin = ? AND version = ?", [plugin, version]).first
            }
            return try latestContract(plugin: plugin, db: db)
        }
        if let found { return found }
        let versions = try contractHistory(plugin: plugin).map(\.version)
        if versions.isEmpty {
            throw CasparianError(
                .notFound, "plugin \(plugin) has no contract",
                hint: "approve a discovery first: `casparian approve DISCOVERY_ID --plugin \(plugin)`")
        }
        throw CasparianError(
            .notFound, "plugin \(plugin) has no contract version \(version ?? 0)",
            hint: "versions: \(versions.map(String.init).joined(separator: ", "))")
    }

    /// The plugin's latest contract, or nil when it has none.
    public func latestContract(plugin: String) throws -> SchemaContract? {
        try pool.read { db in try latestContract(plugin: plugin, db: db) }
    }

    /// Every version of the plugin's contract, oldest first.
    public func contractHistory(plugin: String) throws -> [SchemaContract] {
        try pool.read { db in try fetchContracts(db, "WHERE plugin = ? ORDER BY version", [plugin]) }
    }

    /// The latest version of the contract with `id` (the id stays the same
    /// across a contract's versions).
    public func contract(id: String) throws -> SchemaContract {
        if let found = try pool.read({ db in try fetchContracts(db, "WHERE id = ? ORDER BY version DESC LIMIT 1", [id]).first }) {
            return found
        }
        throw CasparianError(
            .notFound, "no contract with id \(id)",
            hint: "approving a discovery returns its contract_id; `casparian contract show PLUGIN` shows a plugin's")
    }

    /// Plugins that have a contract, sorted.
    public func contractPlugins() throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT plugin FROM contracts ORDER BY plugin") }
    }

    func latestContract(plugin: String, db: Database) throws -> SchemaContract? {
        try fetchContracts(db, "WHERE plugin = ? ORDER BY version DESC LIMIT 1", [plugin]).first
    }

    func fetchContracts(_ db: Database, _ clause: String, _ arguments: StatementArguments) throws -> [SchemaContract] {
        try Row.fetchAll(db, sql: "SELECT id, version, body_json FROM contracts \(clause)", arguments: arguments).map { row in
            let body: String = row["body_json"]
            let id: String = row["id"]
            let version: Int = row["version"]
            return try ContractFile.decode(Data(body.utf8), path: "catalog contract \(id) v\(version)")
        }
    }

    func insertContract(_ contract: SchemaContract, discoveryID: String?, db: Database) throws {
        let body = String(decoding: try ContractFile.encode(contract), as: UTF8.self)
        do {
            try db.execute(
                sql: """
                    INSERT INTO contracts(id, version, plugin, scope_id, approved_at, approved_by, discovery_id, body_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    contract.id, contract.version, contract.plugin, contract.scope, ContractFile.formatTime(contract.approvedAt),
                    contract.approvedBy, discoveryID ?? contract.discoveryID, body,
                ])
        } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
            throw CasparianError(
                .conflict, "contract \(contract.id) v\(contract.version) of \(contract.plugin) was written by someone else meanwhile",
                hint: "look at it with `casparian contract show \(contract.plugin)` and try again")
        }
    }

    func discovery(id: String, db: Database) throws -> StoredDiscovery {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM discoveries WHERE id = ?", arguments: [id]) else {
            throw CasparianError(
                .notFound, "no discovery with id \(id)",
                hint: "run `casparian discover` (or the discover_schemas tool) and use the id it prints")
        }
        return try StoredDiscovery(row: row)
    }

    func approvedAlready(_ discoveryID: String, contractID: String, db: Database) throws -> CasparianError {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT plugin, version, approved_by, approved_at FROM contracts WHERE id = ? AND discovery_id = ? ORDER BY version LIMIT 1
                """, arguments: [contractID, discoveryID])
        let plugin: String = row?["plugin"] ?? "?"
        let detail =
            row.map { r -> String in
                let v: Int = r["version"]
                let by: String = r["approved_by"]
                let at: String = r["approved_at"]
                return " (plugin \(plugin), version \(v), approved by \(by) at \(at))"
            } ?? ""
        return CasparianError(
            .conflict, "discovery \(discoveryID) is already approved as contract \(contractID)\(detail)",
            hint: "see it with `casparian contract show \(plugin)`; change it with `casparian amend propose \(plugin) …`")
    }
}
