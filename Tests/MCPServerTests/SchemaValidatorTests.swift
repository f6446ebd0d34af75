import CasparianTestSupport
import Foundation
import MCP
import Testing

@testable import MCPServer

@Suite("Argument validation and path guard")
struct SchemaValidatorTests {
    let schema = JSONSchema.object(
        [
            "name": JSONSchema.string("A name.", minLength: 1),
            "limit": JSONSchema.integer(minimum: 1, maximum: 10),
            "mode": JSONSchema.string(oneOf: ["a", "b"]),
            "tags": JSONSchema.array(JSONSchema.string(minLength: 1), maxItems: 2),
        ], required: ["name"])

    @Test func acceptsWhatTheSchemaDescribes() {
        let ok: Value = .object(["name": "x", "limit": .double(3), "mode": "a", "tags": .array(["t"])])
        #expect(SchemaValidator.problems(in: ok, against: schema).isEmpty)
    }

    @Test func namesEveryProblemWithItsPath() {
        let bad: Value = .object(["limit": .int(11), "mode": "c", "tags": .array(["", "y", "z"]), "extra": .bool(true)])
        let p = SchemaValidator.problems(in: bad, against: schema)
        #expect(p.contains("arguments.name is required (A name.)"))
        #expect(p.contains("arguments.limit must be at most 10, got 11"))
        #expect(p.contains("arguments.mode must be one of \"a\", \"b\", got string \"c\""))
        #expect(p.contains("arguments.tags has 3 items, at most 2 allowed"))
        #expect(p.contains("arguments.tags[0] must not be empty"))
        #expect(p.contains { $0.hasPrefix("arguments.extra is not an argument of this tool") })
        #expect(
            SchemaValidator.problems(in: .object(["name": "x", "limit": .double(2.5)]), against: schema)
                == ["arguments.limit must be integer, got number 2.5"])
    }

    @Test func pathGuardKeepsPathsInsideTheRoots() throws {
        let base = try TemporaryFolder.create("guard")
        let root = base.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: base.appendingPathComponent("data2"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("out").path, withDestinationPath: "/etc")
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("in").path, withDestinationPath: root.appendingPathComponent("a").path)
        let guardian = try PathGuard(roots: [root.path])
        #expect(try guardian.resolve("a").path == root.appendingPathComponent("a").path)
        #expect(try guardian.resolve("in").path == root.appendingPathComponent("a").path)
        #expect(try guardian.resolve("a/new-file", mustExist: false).path == root.appendingPathComponent("a/new-file").path)
        for attack in ["../data2", base.appendingPathComponent("data2").path, "out", "a/../../", "/etc/passwd", "a\u{0}b", ""] {
            #expect(throws: (any Error).self, "\(attack) should be refused") { try guardian.resolve(attack) }
        }
        #expect(throws: (any Error).self) { try guardian.resolve("missing") }
    }
}
