import CasparianCore
import Contracts
import Foundation
import GRDB

extension Catalog {
    /// Stores a proposal against the plugin's latest contract and returns
    /// it as an `Amendment` (`amd_…`, status `proposed`).
    public func proposeAmendment(plugin: String, proposal: AmendmentProposal) throws -> Amendment {
        try pool.write { db in
            guard let contract = try latestContract(plugin: plugin, db: db) else {
                throw CasparianError(
                    .notFound, "plugin \(plugin) has no contract to amend",
                    hint: "approve a discovery first: `casparian approve DISCOVERY_ID --plugin \(plugin)`")
            }
            guard contract.schema(for: proposal.output) != nil else {
                throw CasparianError(
                    .usage, "contract \(plugin) v\(contract.version) has no output \(proposal.output)",
                    hint: "outputs: \(contract.schemas.map(\.output).joined(separator: ", ")); choose one with --output NAME")
            }
            let amendment = Amendment(
                id: Identifier.make("amd"), contractID: contract.id, plugin: plugin, baseVersion: contract.version,
                status: .proposed, proposal: proposal, createdAt: ContractFile.canonical(Date()))
            try db.execute(
                sql: """
                    INSERT INTO amendments(id, contract_id, plugin, base_version, status, proposal_json, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    amendment.id, amendment.contractID, plugin, amendment.baseVersion, amendment.status.rawValue,
                    try Catalog.json(proposal), ContractFile.formatTime(amendment.createdAt),
                ])
            return amendment
        }
    }

    public func amendment(id: String) throws -> Amendment {
        try pool.read { db in try amendment(id: id, db: db) }
    }

    /// The plugin's amendments, newest first; only those with `status` when given.
    public func amendments(plugin: String, status: Amendment.Status? = nil) throws -> [Amendment] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM amendments WHERE plugin = ? AND (? IS NULL OR status = ?) ORDER BY created_at DESC, id DESC
                    """, arguments: [plugin, status?.rawValue, status?.rawValue])
            return try rows.map(Amendment.init(row:))
        }
    }

    /// Decides an amendment in one transaction. Approving actions apply the
    /// proposal to the plugin's latest contract (`SchemaContract.amended`),
    /// store version N+1 and hand it to `beforeCommit` (which writes
    /// `contract.json`); `reject` only records the decision. An amendment
    /// is decided once: a second decision is a `conflict`.
    @discardableResult
    public func decideAmendment(
        id: String, decision: AmendmentDecision,
        beforeCommit: (SchemaContract) throws -> Void = { _ in }
    ) throws -> (amendment: Amendment, contract: SchemaContract?) {
        try pool.write { db in
            var amendment = try amendment(id: id, db: db)
            guard amendment.status == .proposed else {
                throw CasparianError(
                    .conflict,
                    "amendment \(id) was already \(amendment.status.rawValue)"
                        + (amendment.decidedBy.map { " by \($0)" } ?? "")
                        + (amendment.resultingVersion.map { " (version \($0))" } ?? ""),
                    hint: "see the history with `casparian contract history \(amendment.plugin)`")
            }
            let now = ContractFile.canonical(Date())
            var next: SchemaContract? = nil
            if decision.action != .reject {
                guard let latest = try latestContract(plugin: amendment.plugin, db: db) else {
                    throw CasparianError(.notFound, "plugin \(amendment.plugin) has no contract any more")
                }
                let contract = try latest.amended(by: amendment.proposal, decision: decision, at: now)
                try insertContract(contract, discoveryID: nil, db: db)
                next = contract
            }
            amendment.status = decision.action == .reject ? .rejected : .approved
            amendment.decidedAt = now
            amendment.decidedBy = decision.decidedBy
            amendment.action = decision.action
            amendment.resultingVersion = next?.version
            amendment.note = decision.note
            if let changes = decision.changes { amendment.proposal.changes = changes }
            try db.execute(
                sql: """
                    UPDATE amendments SET status = ?, decided_at = ?, decided_by = ?, action = ?, resulting_version = ?, note = ?, proposal_json = ?
                    WHERE id = ? AND status = 'proposed'
                    """,
                arguments: [
                    amendment.status.rawValue, ContractFile.formatTime(now), decision.decidedBy, decision.action.rawValue,
                    next?.version, decision.note, try Catalog.json(amendment.proposal), id,
                ])
            guard db.changesCount == 1 else {
                throw CasparianError(.conflict, "amendment \(id) was decided by someone else meanwhile")
            }
            if let next { try beforeCommit(next) }
            return (amendment, next)
        }
    }

    func amendment(id: String, db: Database) throws -> Amendment {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM amendments WHERE id = ?", arguments: [id]) else {
            throw CasparianError(.notFound, "no amendment with id \(id)", hint: "list them with `casparian amend list PLUGIN`")
        }
        return try Amendment(row: row)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }
}

extension Amendment {
    init(row: Row) throws {
        let proposal: String = row["proposal_json"]
        let action: String? = row["action"]
        let status: String = row["status"]
        self.init(
            id: row["id"], contractID: row["contract_id"], plugin: row["plugin"], baseVersion: row["base_version"],
            status: Amendment.Status(rawValue: status) ?? .proposed,
            proposal: try JSONDecoder().decode(AmendmentProposal.self, from: Data(proposal.utf8)),
            createdAt: (row["created_at"] as String?).flatMap(ContractFile.parseTime) ?? Date(timeIntervalSince1970: 0),
            decidedAt: (row["decided_at"] as String?).flatMap(ContractFile.parseTime), decidedBy: row["decided_by"],
            action: action.flatMap(AmendmentAction.init(rawValue:)), resultingVersion: row["resulting_version"], note: row["note"])
    }
}
