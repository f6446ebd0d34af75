import CasparianCore
import CasparianTestSupport
import Contracts
import Foundation
import Testing

@Suite("Contract files")
struct ContractFileTests {
    static func contract(version: Int = 1) -> SchemaContract {
        SchemaContract(
            id: "ctr_1", plugin: "sales", scope: nil, version: version, approvedAt: ContractFile.canonical(Date()), approvedBy: "ana",
            schemas: [
                LockedSchema(
                    output: "sales",
                    columns: [
                        LockedColumn(name: "id", type: .int64, nullable: false),
                        LockedColumn(name: "day", type: .date, nullable: true, format: "%d/%m/%Y", nullSentinels: ["N/A"]),
                        LockedColumn(name: "note", type: .string, nullable: true, renameTo: "comment", defaultValue: .null),
                    ])
            ], excludedFiles: ["broken/*.csv"], discoveryID: "disc_1")
    }

    @Test func roundTripIsExactStableAndAtomic() throws {
        let dir = try TemporaryFolder.create("contract")
        let url = ContractFile.url(plugin: "sales", pluginsDirectory: dir)
        let c = Self.contract()
        try ContractFile.write(c, to: url)
        #expect(try ContractFile.load(url) == c)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("\"casparian_contract\" : 1"))
        #expect(text.contains("\"version\" : 1"))
        #expect(text.contains("\"default\" : null"))
        // Writing the same contract again gives the same bytes; no temporary files remain.
        try ContractFile.write(c, to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == text)
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) == ["contract.json"])
        // Keys are sorted at every level.
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == keys.sorted())
    }

    func broken(_ edit: (String) -> String) throws -> CasparianError? {
        let dir = try TemporaryFolder.create("contract")
        let url = dir.appendingPathComponent("contract.json")
        let text = String(decoding: try ContractFile.encode(Self.contract()), as: UTF8.self)
        try Data(edit(text).utf8).write(to: url)
        return #expect(throws: CasparianError.self) { try ContractFile.load(url) }
    }

    @Test func badTypeNamesTheJSONPath() throws {
        let e = try broken { $0.replacingOccurrences(of: "\"type\" : \"date\"", with: "\"type\" : \"money\"") }
        #expect(
            e?.message.hasSuffix(
                "contract.json: $.schemas[0].columns[1].type: \"money\" is not a type (string, int64, float64, boolean, date, time, timestamp, timestamp_tz)"
            ) == true)
    }

    @Test func syntaxErrorsSayWhere() throws {
        let e = try broken { $0.replacingOccurrences(of: "\"nullable\" : false,", with: "\"nullable\" : false,,") }
        #expect(e?.message.contains("contract.json: not valid JSON") == true)
        #expect(e?.message.contains("line ") == true)
        let empty = try broken { _ in "" }
        #expect(empty?.message.contains("the file is empty") == true)
    }

    @Test func missingFieldsWrongKindsAndUnknownFieldsNameTheJSONPath() throws {
        let missing = try broken { $0.replacingOccurrences(of: "\"name\" : \"id\",", with: "") }
        #expect(missing?.message.contains("$.schemas[0].columns[0]: missing field \"name\"") == true)
        let wrongKind = try broken { $0.replacingOccurrences(of: "\"nullable\" : false", with: "\"nullable\" : \"no\"") }
        #expect(wrongKind?.message.contains("$.schemas[0].columns[0].nullable: expected true or false, found \"no\"") == true)
        let typo = try broken { $0.replacingOccurrences(of: "\"nullable\" : false", with: "\"nulable\" : false") }
        #expect(typo?.message.contains("$.schemas[0].columns[0].nulable: unknown field") == true)
        let version = try broken { $0.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : \"one\"") }
        #expect(version?.message.contains("$.version: expected an integer, found \"one\"") == true)
        let mode = try broken { $0.replacingOccurrences(of: "\"mode\" : \"strict\"", with: "\"mode\" : \"lenient\"") }
        #expect(mode?.message.contains("$.schemas[0].mode: \"lenient\" is not a mode (strict, allow_extra)") == true)
    }

    @Test func meaningIsCheckedToo() throws {
        let format = try broken { $0.replacingOccurrences(of: "%d/%m/%Y", with: "%d/%m") }
        #expect(format?.message.contains("$.schemas[0].columns[1].format:") == true)
        let duplicate = try broken { $0.replacingOccurrences(of: "\"name\" : \"day\"", with: "\"name\" : \"id\"") }
        #expect(duplicate?.message.contains("$.schemas[0].columns[1].name: a second column named \"id\"") == true)
        let badDefault = try broken {
            $0.replacingOccurrences(of: "\"format\" : \"%d/%m/%Y\",", with: "\"default\" : \"32/13/2024\", \"format\" : \"%d/%m/%Y\",")
        }
        #expect(
            badDefault?.message.contains("$.schemas[0].columns[1].default: the default \"32/13/2024\" is not a date (text as %d/%m/%Y)")
                == true)
    }

    @Test func missingFileIsNotFound() throws {
        let e = #expect(throws: CasparianError.self) {
            try ContractFile.load(try TemporaryFolder.create("contract").appendingPathComponent("contract.json"))
        }
        #expect(e?.kind == .notFound)
    }
}
