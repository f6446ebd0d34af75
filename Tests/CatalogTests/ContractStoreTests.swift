import CasparianCore
import CasparianTestSupport
import Catalog
import Contracts
import Foundation
import Inference
import Testing

@Suite("Catalog contracts and amendments")
struct ContractStoreTests {
    static func catalogURL() throws -> URL {
        let dir = try TemporaryFolder.create("catalog")
        return dir.appendingPathComponent("catalog.sqlite")
    }

    static let result = DiscoveryResult(
        files: 1, rows: 3,
        outputs: [
            OutputInference(
                name: "csv",
                columns: [
                    ColumnInference(name: "id", type: .int64, nullable: false, status: .resolved),
                    ColumnInference(name: "amount", type: .float64, nullable: true, status: .resolved),
                ])
        ])

    /// What `Workspace.approve` does, without the file.
    static func build(_ plugin: String, by: String) -> (StoredDiscovery, SchemaContract?) throws -> SchemaContract {
        { discovery, current in
            let schemas = try ContractApproval.lockSchemas(from: discovery.result, request: ApprovalRequest(plugin: plugin, approvedBy: by))
            return SchemaContract(
                id: current?.id ?? Identifier.make("ctr"), plugin: plugin, scope: discovery.scopeID,
                version: (current?.version ?? 0) + 1, approvedAt: ContractFile.canonical(Date()), approvedBy: by,
                schemas: schemas, discoveryID: discovery.id)
        }
    }

    @Test func approvalRoundTripsAndMarksTheDiscovery() throws {
        let catalog = try Catalog(url: try Self.catalogURL())
        let disc = try catalog.saveDiscovery(plugin: "csv", scopeID: nil, result: Self.result)
        let contract = try catalog.approveDiscovery(disc, plugin: "sales", build: Self.build("sales", by: "ana"))
        let stored = try catalog.contract(plugin: "sales")
        #expect(stored == contract)
        #expect(try catalog.contract(plugin: "sales", version: 1) == contract)
        #expect(try catalog.discovery(id: disc).approvedContractID == contract.id)
        #expect(try catalog.contractPlugins() == ["sales"])
        let again = #expect(throws: CasparianError.self) {
            try catalog.approveDiscovery(disc, plugin: "sales", build: Self.build("sales", by: "bo"))
        }
        #expect(again?.kind == .conflict)
        #expect(again?.message.contains(contract.id) == true)
        #expect(#expect(throws: CasparianError.self) { try catalog.contract(plugin: "sales", version: 7) }?.kind == .notFound)
        #expect(
            #expect(throws: CasparianError.self) { try catalog.contract(plugin: "nobody") }?.message.contains("has no contract") == true)
    }

    @Test func aFailureBeforeCommitLeavesNothingBehind() throws {
        let catalog = try Catalog(url: try Self.catalogURL())
        let disc = try catalog.saveDiscovery(plugin: "csv", scopeID: nil, result: Self.result)
        #expect(throws: CasparianError.self) {
            try catalog.approveDiscovery(
                disc, plugin: "sales", build: Self.build("sales", by: "ana"),
                beforeCommit: { _ in throw CasparianError(.environment, "disk full") })
        }
        #expect(try catalog.latestContract(plugin: "sales") == nil)
        #expect(try catalog.discovery(id: disc).approvedContractID == nil)
    }

    @Test func concurrentApprovalsOfOneDiscoveryHaveExactlyOneWinner() async throws {
        let url = try Self.catalogURL()
        let disc = try Catalog(url: url).saveDiscovery(plugin: "csv", scopeID: nil, result: Self.result)
        // Separate Catalog instances on the same file, as separate processes would be.
        let outcomes = try await withThrowingTaskGroup(of: Result<SchemaContract, CasparianError>.self) { group in
            for i in 0..<8 {
                let catalog = try Catalog(url: url)
                group.addTask {
                    do {
                        return .success(try catalog.approveDiscovery(disc, plugin: "sales", build: Self.build("sales", by: "user\(i)")))
                    } catch let e as CasparianError {
                        return .failure(e)
                    }
                }
            }
            var all: [Result<SchemaContract, CasparianError>] = []
            for try await r in group { all.append(r) }
            return all
        }
        let winners = outcomes.compactMap { try? $0.get() }
        #expect(winners.count == 1)
        let losers = outcomes.compactMap { r -> CasparianError? in if case .failure(let e) = r { return e } else { return nil } }
        #expect(losers.count == 7)
        for e in losers {
            #expect(e.kind == .conflict)
            #expect(e.message.contains("already approved as contract \(winners[0].id)"))
        }
        #expect(try Catalog(url: url).contractHistory(plugin: "sales").count == 1)
    }

    @Test func amendmentsMakeVersionsAndKeepHistory() throws {
        let catalog = try Catalog(url: try Self.catalogURL())
        let disc = try catalog.saveDiscovery(plugin: "csv", scopeID: nil, result: Self.result)
        let v1 = try catalog.approveDiscovery(disc, plugin: "sales", build: Self.build("sales", by: "ana"))
        let a = try catalog.proposeAmendment(
            plugin: "sales",
            proposal: AmendmentProposal(
                output: "sales", changes: [.setNullable(column: "id", nullable: true)], reason: "blank ids in 2023"))
        #expect(a.status == .proposed && a.baseVersion == 1 && a.id.hasPrefix("amd_"))
        #expect(try catalog.amendment(id: a.id) == a)
        var written: [Int] = []
        let (decided, v2) = try catalog.decideAmendment(
            id: a.id, decision: AmendmentDecision(action: .approve, decidedBy: "bo", note: "ok"),
            beforeCommit: { written.append($0.version) })
        #expect(written == [2])
        #expect(decided.status == .approved && decided.resultingVersion == 2 && decided.action == .approve && decided.note == "ok")
        #expect(v2?.schemas[0].columns[0].nullable == true)
        #expect(try catalog.amendment(id: a.id) == decided)
        let again = #expect(throws: CasparianError.self) {
            try catalog.decideAmendment(id: a.id, decision: AmendmentDecision(action: .reject, decidedBy: "cy"))
        }
        #expect(again?.kind == .conflict)
        let b = try catalog.proposeAmendment(
            plugin: "sales", proposal: AmendmentProposal(output: "sales", changes: [.dropColumn(column: "amount")], reason: "x"))
        let (rejected, none) = try catalog.decideAmendment(id: b.id, decision: AmendmentDecision(action: .reject, decidedBy: "cy"))
        #expect(rejected.status == .rejected && none == nil)
        let history = try catalog.contractHistory(plugin: "sales")
        #expect(history.map(\.version) == [1, 2])
        #expect(history[0] == v1)
        #expect(try catalog.amendments(plugin: "sales").count == 2)
        #expect(try catalog.amendments(plugin: "sales", status: .rejected).map(\.id) == [b.id])
        #expect(throws: CasparianError.self) {
            try catalog.proposeAmendment(plugin: "sales", proposal: AmendmentProposal(output: "nope", changes: [], reason: ""))
        }
        #expect(throws: CasparianError.self) { try catalog.amendment(id: "amd_nope") }
    }

    @Test func aVersionIsWrittenOnce() throws {
        let catalog = try Catalog(url: try Self.catalogURL())
        let c = sampleContract()
        try catalog.saveContract(c)
        #expect(#expect(throws: CasparianError.self) { try catalog.saveContract(c) }?.kind == .conflict)
    }

    func sampleContract() -> SchemaContract {
        SchemaContract(
            id: "ctr_x", plugin: "p", scope: nil, version: 1, approvedAt: ContractFile.canonical(Date()), approvedBy: "a",
            schemas: [LockedSchema(output: "p", columns: [LockedColumn(name: "a", type: .string, nullable: false)])])
    }
}
