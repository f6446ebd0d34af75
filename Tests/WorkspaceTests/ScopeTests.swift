import CasparianCore
import CasparianTestSupport
import Catalog
import Digest
import Foundation
import Testing

@testable import Workspace

@Suite("Scopes")
struct ScopeTests {
    /// A workspace and a data folder: sales/{jan,feb}.csv, sales/old/dec.csv,
    /// refunds/r1.csv, notes.txt, .hidden.csv.
    static func setup() throws -> (Workspace, URL) {
        let base = try TemporaryFolder.create("scope")
        let data = base.appendingPathComponent("data")
        for f in ["sales/jan.csv", "sales/feb.csv", "sales/old/dec.csv", "refunds/r1.csv", "notes.txt", ".hidden.csv"] {
            try TestSupport.write("a,b\n1,2\n", to: data.appendingPathComponent(f))
        }
        return (try Workspace.create(at: base.appendingPathComponent("ws")), data)
    }

    func relative(_ paths: [String], _ root: URL) -> [String] {
        let prefix = TreeWalkerPaths.real(root) + "/"
        return paths.map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 }
    }

    @Test func createKeepsWhatTheFiltersAdmit() throws {
        let (ws, data) = try Self.setup()
        let r = try ws.createScope(ScopeDefinition(name: "sales", root: data.path, include: ["*.csv"], exclude: ["sales/old/**"]))
        #expect(r.scope.id.hasPrefix("scope_"))
        #expect(relative(r.changes.added, data) == ["refunds/r1.csv", "sales/feb.csv", "sales/jan.csv"])
        #expect(r.scope.fileCount == 3 && r.scope.bytes == 24)
        let files = try ws.scopeFiles(named: "sales")
        #expect(files.count == 3 && files.allSatisfy { $0.contentHash == nil && $0.size == 8 })
        #expect(try ws.scopes().map(\.definition.name) == ["sales"])
        let all = try ws.createScope(ScopeDefinition(name: "all", root: data.path, includeHidden: true))
        #expect(all.scope.fileCount == 6)
    }

    @Test func badInputIsAClearError() throws {
        let (ws, data) = try Self.setup()
        _ = try ws.createScope(ScopeDefinition(name: "s", root: data.path))
        let dup = #expect(throws: CasparianError.self) { try ws.createScope(ScopeDefinition(name: "s", root: data.path)) }
        #expect(dup?.kind == .conflict && dup?.hint?.contains("scope refresh s") == true)
        let missing = #expect(throws: CasparianError.self) { try ws.createScope(ScopeDefinition(name: "m", root: data.path + "/nope")) }
        #expect(missing?.kind == .notFound && missing?.message.contains("does not exist") == true)
        let file = #expect(throws: CasparianError.self) { try ws.createScope(ScopeDefinition(name: "f", root: data.path + "/notes.txt")) }
        #expect(file?.message.contains("is a file, not a folder") == true)
        let glob = #expect(throws: CasparianError.self) {
            try ws.createScope(ScopeDefinition(name: "g", root: data.path, include: ["sales/[a-"]))
        }
        #expect(glob?.message.hasPrefix("--include invalid glob") == true)
        let tag = #expect(throws: CasparianError.self) {
            try ws.createScope(ScopeDefinition(name: "t", root: data.path, exclude: ["tag:"]))
        }
        #expect(tag?.message.contains("invalid tag") == true)
        let name = #expect(throws: CasparianError.self) { try ws.createScope(ScopeDefinition(name: "a b", root: data.path)) }
        #expect(name?.message.contains("invalid scope name") == true)
        let unknown = #expect(throws: CasparianError.self) { try ws.refreshScope(named: "nope") }
        #expect(unknown?.kind == .notFound && unknown?.message.contains("scopes: s") == true)
        #expect(try ws.scopes().count == 1)
    }

    @Test func refreshReportsAddedChangedAndRemoved() throws {
        let (ws, data) = try Self.setup()
        _ = try ws.createScope(ScopeDefinition(name: "sales", root: data.path, include: ["sales/**"]))
        _ = try ws.createScope(ScopeDefinition(name: "jan", root: data.path, include: ["jan.csv"]))
        let same = try ws.refreshScope(named: "sales")
        #expect(same.changes.isEmpty && same.changes.unchanged == 3)

        try TestSupport.write("a,b\n1,2\n3,4\n", to: data.appendingPathComponent("sales/jan.csv"))  // size
        let feb = data.appendingPathComponent("sales/feb.csv").path
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_600_000_000)], ofItemAtPath: feb)  // mtime
        try FileManager.default.removeItem(at: data.appendingPathComponent("sales/old/dec.csv"))
        try TestSupport.write("x", to: data.appendingPathComponent("sales/mar.csv"))
        let r = try ws.refreshScope(named: "sales")
        #expect(relative(r.changes.added, data) == ["sales/mar.csv"])
        #expect(relative(r.changes.changed, data) == ["sales/feb.csv", "sales/jan.csv"])
        #expect(relative(r.changes.removed, data) == ["sales/old/dec.csv"])
        #expect(r.changes.unchanged == 0)
        #expect(r.scope.fileCount == 3 && r.scope.refreshedAt != nil)
        // The other scope sees the change to jan.csv too, although "sales" already updated the file's row.
        #expect(relative(try ws.refreshScope(named: "jan").changes.changed, data) == ["sales/jan.csv"])
        #expect(try ws.refreshScope(named: "sales").changes.isEmpty)
    }

    @Test func tagsFilterScopesAndAreReEvaluatedOnRefresh() throws {
        let (ws, data) = try Self.setup()
        _ = try ws.createScope(ScopeDefinition(name: "everything", root: data.path))
        let tagged = try ws.tag(
            paths: [data.appendingPathComponent("sales/jan.csv").path, data.appendingPathComponent("refunds").path], tag: "reviewed")
        #expect(tagged.files == 2)
        let byInclude = try ws.createScope(ScopeDefinition(name: "reviewed", root: data.path, include: ["tag:reviewed"]))
        #expect(relative(byInclude.changes.added, data) == ["refunds/r1.csv", "sales/jan.csv"])
        let csvTagged = try ws.createScope(
            ScopeDefinition(name: "csv-reviewed", root: data.path, include: ["sales/*.csv"], tags: ["reviewed"]))
        #expect(relative(csvTagged.changes.added, data) == ["sales/jan.csv"])
        let notReviewed = try ws.createScope(ScopeDefinition(name: "todo", root: data.path, exclude: ["tag:reviewed"]))
        #expect(notReviewed.scope.fileCount == 3)

        _ = try ws.untag(paths: [data.appendingPathComponent("sales/jan.csv").path], tag: "reviewed")
        let after = try ws.refreshScope(named: "reviewed")
        #expect(relative(after.changes.removed, data) == ["sales/jan.csv"])
        #expect(relative(try ws.refreshScope(named: "todo").changes.added, data) == ["sales/jan.csv"])

        #expect(throws: CasparianError.self) { try ws.tag(paths: [data.path + "/missing.csv"], tag: "x") }
        #expect(throws: CasparianError.self) { try ws.tag(paths: [data.appendingPathComponent("notes.txt").path], tag: "bad tag") }
    }

    @Test func contentHashIsComputedLazilyAndRecomputedAfterAChange() throws {
        let (ws, data) = try Self.setup()
        _ = try ws.createScope(ScopeDefinition(name: "s", root: data.path, include: ["jan.csv"]))
        let file = try #require(try ws.scopeFiles(named: "s").first)
        #expect(file.contentHash == nil)
        let hash = try ws.catalog.contentHash(fileID: file.fileID)
        let expectedFirst = try SHA256.hexDigest(ofFileAt: file.path)
        #expect(hash == expectedFirst)
        #expect(try ws.scopeFiles(named: "s").first?.contentHash == hash)
        try TestSupport.write("changed\n", to: URL(fileURLWithPath: file.path))
        _ = try ws.refreshScope(named: "s")
        #expect(try ws.scopeFiles(named: "s").first?.contentHash == nil)
        let again = try ws.catalog.contentHash(fileID: file.fileID)
        let expected = try SHA256.hexDigest(ofFileAt: file.path)
        #expect(again != hash && again == expected)
    }
}

enum TreeWalkerPaths {
    static func real(_ url: URL) -> String {
        guard let p = realpath(url.path, nil) else { return url.path }
        defer { free(p) }
        return String(cString: p)
    }
}
