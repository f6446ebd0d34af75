import CasparianCore
import CasparianTestSupport
import Catalog
import Foundation
import Inference
import Testing

/// End-to-end: approve, contract and amend through the built binary, on a
/// real workspace whose discovery is stored in the real catalog.
@Suite("CLI: approve, contract, amend")
struct ContractCommandsTests {
    static let discovery = DiscoveryResult(
        files: 2, rows: 40,
        outputs: [
            OutputInference(
                name: "sales",
                columns: [
                    ColumnInference(name: "id", type: .int64, nullable: false, status: .resolved),
                    ColumnInference(
                        name: "day", type: .date, format: "%d/%m/%Y", nullable: false, status: .ambiguous,
                        candidates: [.init(type: .date, format: "%d/%m/%Y"), .init(type: .date, format: "%m/%d/%Y")],
                        question: "Is 03/04/2024 the 3rd of April or March 4th?"),
                    ColumnInference(name: "qty", type: .int64, nullable: false, status: .resolved),
                ])
        ])

    /// A workspace with one stored discovery; returns (folder, discovery id).
    static func workspace() throws -> (URL, String) {
        let dir = try TemporaryFolder.create("contracts")
        let state = dir.appendingPathComponent(".casparian")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let catalog = try Catalog(url: state.appendingPathComponent("catalog.sqlite"))
        return (dir, try catalog.saveDiscovery(plugin: "sales", scopeID: nil, result: discovery))
    }

    @Test func approveRefusesOpenQuestionsThenLocksAndWritesTheFile() throws {
        let (ws, disc) = try Self.workspace()
        let open = try CLIRunner.run(["approve", disc, "--plugin", "sales", "--by", "ana"], in: ws)
        #expect(open.status == 2)
        #expect(open.stderr.contains("sales.day (ambiguous): Is 03/04/2024 the 3rd of April or March 4th?"))
        #expect(open.stderr.contains("hint: answer each with --answer COLUMN=TYPE[:FORMAT], e.g. --answer day=date:%d/%m/%Y"))
        #expect(!FileManager.default.fileExists(atPath: ws.appendingPathComponent("plugins/sales/contract.json").path))

        let ok = try CLIRunner.run(
            [
                "approve", disc, "--plugin", "sales", "--answer", "day=date:%m/%d/%Y",
                "--override", "qty.nullable=true", "--by", "ana", "--json",
            ], in: ws)
        #expect(ok.status == 0, "\(ok.stderr)")
        let report = try #require(try ok.json() as? [String: Any])
        let contract = try #require(report["contract"] as? [String: Any])
        #expect(contract["version"] as? Int == 1)
        #expect(contract["approved_by"] as? String == "ana")
        let file = ws.appendingPathComponent("plugins/sales/contract.json")
        #expect(report["contract_file"] as? String == file.path)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("\"format\" : \"%m/%d/%Y\""))

        let again = try CLIRunner.run(["approve", disc, "--plugin", "sales"], in: ws)
        #expect(again.status == 2)
        #expect(again.stderr.contains("is already approved as contract \(contract["id"] as? String ?? "?")"))

        let show = try CLIRunner.run(["contract", "show", "sales"], in: ws)
        #expect(show.status == 0)
        #expect(show.stdout.contains("version 1, approved by ana"))
        #expect(show.stdout.contains("day") && show.stdout.contains("%m/%d/%Y"))
        let showJSON = try CLIRunner.run(["contract", "show", "sales", "--json"], in: ws)
        #expect(showJSON.stdout == text)

        let check = try CLIRunner.run(["contract", "check", "sales"], in: ws)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("in sync"))
    }

    @Test func amendmentsMakeVersionsWithHistoryAndDiffs() throws {
        let (ws, disc) = try Self.workspace()
        #expect(
            try CLIRunner.run(["approve", disc, "--plugin", "sales", "--answer", "day=date:%d/%m/%Y", "--by", "ana"], in: ws).status == 0)

        let proposed = try CLIRunner.run(
            [
                "amend", "propose", "sales", "--change-type", "qty=float64", "--add-column", "region=string",
                "--reason", "fractions since 2024", "--json",
            ], in: ws)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        let amendment = try #require((try proposed.json() as? [[String: Any]])?.first)
        let id = try #require(amendment["id"] as? String)
        #expect(amendment["status"] as? String == "proposed")

        let approved = try CLIRunner.run(["amend", "approve", id, "--by", "bo"], in: ws)
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(approved.stdout.contains("contract sales is now version 2"))
        let twice = try CLIRunner.run(["amend", "approve", id], in: ws)
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("was already approved by bo (version 2)"))

        let second = try CLIRunner.run(["amend", "propose", "sales", "--drop-column", "qty", "--json"], in: ws)
        let secondID = try #require((try second.json() as? [[String: Any]])?.first?["id"] as? String)
        let rejected = try CLIRunner.run(["amend", "reject", secondID, "--note", "qty stays"], in: ws)
        #expect(rejected.status == 0)
        #expect(rejected.stdout.contains("rejected"))

        let history = try CLIRunner.run(["contract", "history", "sales"], in: ws)
        #expect(history.stdout.contains("v1") && history.stdout.contains("discovery \(disc)"))
        #expect(history.stdout.contains("v2") && history.stdout.contains("amendment \(id) (approve)"))
        #expect(history.stdout.contains("column_changed sales.qty type: int64 → float64"))

        let diff = try CLIRunner.run(["contract", "diff", "sales", "1", "2", "--json"], in: ws)
        let changes = try #require((try diff.json() as? [String: Any])?["changes"] as? [[String: Any]])
        #expect(changes.map { $0["kind"] as? String } == ["column_changed", "column_added"])
        #expect(changes[0]["before"] as? String == "int64" && changes[0]["after"] as? String == "float64")

        let file = ws.appendingPathComponent("plugins/sales/contract.json")
        #expect(try String(contentsOf: file, encoding: .utf8).contains("\"version\" : 2"))
        let missing = try CLIRunner.run(["contract", "diff", "sales", "1", "9"], in: ws)
        #expect(missing.status == 2 && missing.stderr.contains("versions: 1, 2"))
    }

    @Test func handEditedFilesAreCheckedWithTheJSONPath() throws {
        let (ws, disc) = try Self.workspace()
        #expect(try CLIRunner.run(["approve", disc, "--plugin", "sales", "--answer", "day=date:%d/%m/%Y"], in: ws).status == 0)
        let file = ws.appendingPathComponent("plugins/sales/contract.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        try Data(
            text.replacingOccurrences(of: "\"type\" : \"float64\"", with: "\"type\" : \"money\"")
                .replacingOccurrences(of: "\"type\" : \"int64\"", with: "\"type\" : \"money\"").utf8
        ).write(to: file)
        let bad = try CLIRunner.run(["contract", "check", "sales"], in: ws)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("file_invalid: \(file.path): $.schemas[0].columns[0].type: \"money\" is not a type"))

        // CI: the file alone, outside any workspace.
        let elsewhere = try TemporaryFolder.create("ci")
        let alone = try CLIRunner.run(["contract", "check", "--file", file.path], in: elsewhere)
        #expect(alone.status == 1)
        #expect(alone.stderr.contains("$.schemas[0].columns[0].type: \"money\" is not a type"))
        try Data(text.replacingOccurrences(of: "\"approved_by\"", with: "\"approved_by\"").utf8).write(to: file)
        let good = try CLIRunner.run(["contract", "check", "--file", file.path, "--json"], in: elsewhere)
        #expect(good.status == 0)
        #expect((try good.json() as? [String: Any])?["status"] as? String == "valid")

        // A valid edit that the catalog does not know is drift.
        try Data(text.replacingOccurrences(of: "\"nullable\" : false", with: "\"nullable\" : true").utf8).write(to: file)
        let drift = try CLIRunner.run(["contract", "check", "sales", "--json"], in: ws)
        #expect(drift.status == 1)
        #expect((try drift.json() as? [String: Any])?["status"] as? String == "differs")
    }

    @Test func violationsBecomeAProposal() throws {
        let (ws, disc) = try Self.workspace()
        #expect(try CLIRunner.run(["approve", disc, "--plugin", "sales", "--answer", "day=date:%d/%m/%Y"], in: ws).status == 0)
        let violations = """
            [{"kind": "type_mismatch", "file": "/d/2024/a.csv", "output": "sales", "row": 3, "column": "qty", "expected": "int64", "got": "2.5", "got_type": "str"},
             {"kind": "extra_column", "file": "/d/2024/b.csv", "output": "sales", "row": 1, "column": "region", "expected": "-", "got": "north", "got_type": "str"}]
            """
        let path = ws.appendingPathComponent("violations.json")
        try Data(violations.utf8).write(to: path)
        let r = try CLIRunner.run(["amend", "propose", "sales", "--from-violations", path.path], in: ws)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("change_type qty → float64"))
        #expect(r.stdout.contains("add_column region string nullable"))
        #expect(r.stdout.contains("files: /d/2024/**"))
        try Data("{}".utf8).write(to: path)
        let bad = try CLIRunner.run(["amend", "propose", "sales", "--from-violations", path.path], in: ws)
        #expect(bad.status == 2)
        let nothing = try CLIRunner.run(["amend", "propose", "sales"], in: ws)
        #expect(nothing.status == 2 && nothing.stderr.contains("nothing to propose"))
        let noContract = try CLIRunner.run(["contract", "show", "nobody"], in: ws)
        #expect(noContract.status == 2 && noContract.stderr.contains("casparian approve DISCOVERY_ID --plugin nobody"))
    }

    @Test func twoProcessesApprovingOneDiscoveryHaveOneWinner() async throws {
        let (ws, disc) = try Self.workspace()
        let results = try await withThrowingTaskGroup(of: CLIRunner.Result.self) { group in
            for who in ["ana", "bo"] {
                group.addTask {
                    try CLIRunner.run(
                        ["approve", disc, "--plugin", "sales", "--answer", "day=date:%d/%m/%Y", "--by", who, "--json"], in: ws)
                }
            }
            var all: [CLIRunner.Result] = []
            for try await r in group { all.append(r) }
            return all
        }
        let winners = results.filter { $0.status == 0 }
        #expect(winners.count == 1)
        let loser = try #require(results.first { $0.status != 0 })
        #expect(loser.status == 2)
        let winner = try #require(try winners.first?.json() as? [String: Any])
        let id = try #require((winner["contract"] as? [String: Any])?["id"] as? String)
        #expect(loser.stderr.contains("is already approved as contract \(id)"))
        let check = try CLIRunner.run(["contract", "check", "sales"], in: ws)
        #expect(check.status == 0, "\(check.stderr)")
    }
}
