import CasparianTestSupport
import Foundation
import Testing
import Workspace

@Suite("Workspace location")
struct WorkspaceLocationTests {
    @Test func foundByWalkingUpLikeGit() throws {
        let root = try TemporaryFolder.create("ws")
        let deep = root.appendingPathComponent("a/b/c")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        #expect(Workspace.locate(from: deep) == nil)
        let ws = try Workspace.create(at: root)
        #expect(FileManager.default.fileExists(atPath: ws.stateURL.appendingPathComponent("catalog.sqlite").path))
        #expect(Workspace.locate(from: deep)?.standardizedFileURL.path == root.standardizedFileURL.path)
        let opened = try Workspace.open(explicit: nil, from: deep)
        #expect(opened.root.path == root.standardizedFileURL.path)
    }
}
