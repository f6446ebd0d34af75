import CasparianCore
import Contracts
import Foundation
import Testing

@Suite("Amendments and diffs")
struct AmendmentTests {
    static let base = ContractFileTests.contract()

    @Test func approvedChangesMakeTheNextVersionAndTheDiffShowsThem() throws {
        let proposal = AmendmentProposal(
            output: "sales",
            changes: [
                .changeType(column: "id", type: .float64, format: nil),
                .addColumn(LockedColumn(name: "region", type: .string, nullable: true, defaultValue: .null)),
                .dropColumn(column: "note"),
            ], reason: "new export")
        let v2 = try Self.base.amended(by: proposal, decision: AmendmentDecision(action: .approve, decidedBy: "bo"), at: Date())
        #expect(v2.version == 2)
        #expect(v2.id == Self.base.id)
        #expect(v2.approvedBy == "bo")
        #expect(v2.schemas[0].columns.map(\.name) == ["id", "day", "region"])
        let diff = ContractDiff(from: Self.base, to: v2)
        #expect(
            diff.changes.map(\.summary) == [
                "column_removed sales.note: string nullable as comment default null",
                "column_changed sales.id type: int64 → float64",
                "column_added sales.region: string nullable default null",
            ])
        #expect(ContractDiff(from: v2, to: v2).changes.isEmpty)
    }

    @Test func approveWithChangesUsesThePersonsChanges() throws {
        let proposal = AmendmentProposal(output: "sales", changes: [.changeType(column: "id", type: .string, format: nil)], reason: "r")
        let v2 = try Self.base.amended(
            by: proposal,
            decision: AmendmentDecision(
                action: .approveWithChanges,
                changes: [.setNullable(column: "id", nullable: true)], decidedBy: "bo"), at: Date())
        #expect(v2.schemas[0].columns[0] == LockedColumn(name: "id", type: .int64, nullable: true))
        #expect(throws: CasparianError.self) {
            try Self.base.amended(by: proposal, decision: AmendmentDecision(action: .approveWithChanges, decidedBy: "bo"), at: Date())
        }
    }

    @Test func splitSendsTheAffectedFilesToTheirOwnSchema() throws {
        let proposal = AmendmentProposal(
            output: "sales", changes: [.setFormat(column: "day", format: "%Y-%m-%d")], reason: "2023 files",
            affectedFiles: ["/d/2023/a.csv", "/d/2023/b.csv"], filePattern: "/d/2023/**")
        let v2 = try Self.base.amended(
            by: proposal, decision: AmendmentDecision(action: .split, splitOutput: "sales_2023", decidedBy: "bo"), at: Date())
        #expect(v2.schemas.map(\.output) == ["sales", "sales_2023"])
        #expect(v2.schemas[0] == Self.base.schemas[0])
        #expect(v2.schemas[1].columns[1].format == "%Y-%m-%d")
        #expect(v2.schema(forPluginOutput: "sales", file: "/d/2023/a.csv")?.output == "sales_2023")
        #expect(v2.schema(forPluginOutput: "sales", file: "/d/2024/a.csv")?.output == "sales")
        let diff = ContractDiff(from: Self.base, to: v2)
        #expect(diff.changes.map(\.kind) == [.outputAdded])
    }

    @Test func excludeFilesLeavesTheSchemaAlone() throws {
        let proposal = AmendmentProposal(output: "sales", changes: [], reason: "junk", affectedFiles: ["/d/x.csv"])
        let v2 = try Self.base.amended(by: proposal, decision: AmendmentDecision(action: .excludeFiles, decidedBy: "bo"), at: Date())
        #expect(v2.excludedFiles == ["broken/*.csv", "/d/x.csv"])
        #expect(v2.excludes(file: "/d/x.csv"))
        #expect(ContractDiff(from: Self.base, to: v2).changes.map(\.kind) == [.excludedFilesChanged])
    }

    @Test func changesThatDoNotApplyAreRefused() {
        let base = Self.base
        for change in [
            SchemaChange.dropColumn(column: "nope"), .addColumn(LockedColumn(name: "id", type: .int64, nullable: false)),
            .setFormat(column: "id", format: "%Y"), .rename(column: "id", to: "day"),
        ] {
            #expect(throws: CasparianError.self) {
                try base.amended(
                    by: AmendmentProposal(output: "sales", changes: [change], reason: ""),
                    decision: AmendmentDecision(action: .approve, decidedBy: "x"), at: Date())
            }
        }
    }

    @Test func evidenceBecomesProposals() throws {
        let schema = LockedSchema(
            output: "sales",
            columns: [
                LockedColumn(name: "id", type: .int64, nullable: false),
                LockedColumn(name: "day", type: .date, nullable: false, format: "%d/%m/%Y"),
                LockedColumn(name: "qty", type: .int64, nullable: false),
            ])
        let contract = SchemaContract(
            id: "c", plugin: "sales", scope: nil, version: 1, approvedAt: Date(), approvedBy: "a", schemas: [schema])
        let v = try ContractValidator(schema: schema)
        var logs: [FileViolations] = []
        for f in ["/d/2024/a.csv", "/d/2024/b.csv"] {
            var log = FileViolations(file: f)
            var b = RowBatch(output: "sales", columnNames: ["id", "day", "qty", "region"])
            b.append(row: [.int(1), .string("2024-03-01"), .string("2.5"), .string("north")])
            b.append(row: [.null, .string("2024-03-02"), .int(3), .string("south")])
            _ = v.validate(b, into: &log)
            logs.append(log)
        }
        let proposals = AmendmentProposal.fromEvidence(ViolationSummary(files: logs), contract: contract)
        #expect(proposals.count == 1)
        let p = try #require(proposals.first)
        #expect(p.origin == .evidence)
        #expect(p.filePattern == "/d/2024/**")
        #expect(
            Set(p.changes.map(\.summary)) == [
                "set_format day → %Y-%m-%d", "change_type qty → float64", "set_nullable id → true",
                "add_column region string nullable",
            ])
        // Approving the proposal makes the same rows valid.
        let v2 = try contract.amended(by: p, decision: AmendmentDecision(action: .approve, decidedBy: "x"), at: Date())
        var b = RowBatch(output: "sales", columnNames: ["id", "day", "qty", "region"])
        b.append(row: [.null, .string("2024-03-01"), .string("2.5"), .string("north")])
        #expect(try ContractValidator(schema: v2.schemas[0]).validateAndNormalize(b, file: "/d/2024/a.csv").violations.isEmpty)
    }

    /// Grouped numbers in a plain int64 column: the one notation that reads
    /// them is proposed as the column's format; a fraction under a grouped
    /// int64 widens to float64 in the same notation; `1,234` alone (1234 or
    /// 1.234) proposes no notation.
    @Test func groupedNumbersProposeTheirNotation() throws {
        func proposal(_ column: LockedColumn, _ values: [String]) throws -> [String] {
            let schema = LockedSchema(output: "s", columns: [column])
            let contract = SchemaContract(
                id: "c", plugin: "s", scope: nil, version: 1, approvedAt: Date(), approvedBy: "a", schemas: [schema])
            var log = FileViolations(file: "a.csv")
            var b = RowBatch(output: "s", columnNames: [column.name])
            for v in values { b.append(row: [.string(v)]) }
            _ = try ContractValidator(schema: schema).validate(b, into: &log)
            return AmendmentProposal.fromEvidence(ViolationSummary(files: [log]), contract: contract).flatMap { $0.changes.map(\.summary) }
        }
        #expect(try proposal(LockedColumn(name: "n", type: .int64, nullable: false), ["1,234,567", "12"]) == ["set_format n → #,##0"])
        #expect(
            try proposal(LockedColumn(name: "n", type: .int64, nullable: false, format: "#.##0"), ["1.234,5"])
                == ["change_type n → float64 #.##0,#"])
        #expect(try proposal(LockedColumn(name: "n", type: .float64, nullable: false), ["1,234"]) == ["change_type n → string"])
        // Changing the type of a grouped column keeps its notation.
        let s = try LockedSchema(output: "s", columns: [LockedColumn(name: "n", type: .int64, nullable: false, format: "# ##0")])
            .applying([.changeType(column: "n", type: .float64, format: nil)])
        #expect(s.columns[0].format == "# ##0,#")
    }

    @Test func changesParseFromTheCommandLineForm() throws {
        #expect(
            try SchemaChange(op: "add-column", argument: "region=string")
                == .addColumn(LockedColumn(name: "region", type: .string, nullable: true, defaultValue: .null)))
        #expect(
            try SchemaChange(op: "change-type", argument: "day=timestamp:%Y-%m-%d %H:%M")
                == .changeType(column: "day", type: .timestamp, format: "%Y-%m-%d %H:%M"))
        #expect(try SchemaChange(op: "drop-column", argument: "x") == .dropColumn(column: "x"))
        #expect(throws: CasparianError.self) { try SchemaChange(op: "set-nullable", argument: "x=perhaps") }
        #expect(throws: CasparianError.self) { try SchemaChange(op: "paint", argument: "x=red") }
        let json = try JSONEncoder().encode([SchemaChange.setDefault(column: "x", value: .null), .rename(column: "a", to: "b")])
        #expect(
            try JSONDecoder().decode([SchemaChange].self, from: json) == [
                .setDefault(column: "x", value: .null), .rename(column: "a", to: "b"),
            ])
    }
}
