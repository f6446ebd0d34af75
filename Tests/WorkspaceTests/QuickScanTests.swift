import CasparianCore
import CasparianTestSupport
import Foundation
import Testing
import Workspace

@Suite("Quick scan")
struct QuickScanTests {
    /// a.csv (10 B), data/b.CSV (2000 B), data/deep/c.json (0 B), .hidden/x.txt,
    /// .env, .git/config, node_modules/m.js, notes (no extension).
    static func tree() throws -> URL {
        let root = try TemporaryFolder.create("scan")
        try TestSupport.write(String(repeating: "x", count: 10), to: root.appendingPathComponent("a.csv"))
        try TestSupport.write(String(repeating: "y", count: 2000), to: root.appendingPathComponent("data/b.CSV"))
        try TestSupport.write("", to: root.appendingPathComponent("data/deep/c.json"))
        try TestSupport.write("h", to: root.appendingPathComponent(".hidden/x.txt"))
        try TestSupport.write("e", to: root.appendingPathComponent(".env"))
        try TestSupport.write("g", to: root.appendingPathComponent(".git/config"))
        try TestSupport.write("m", to: root.appendingPathComponent("node_modules/m.js"))
        try TestSupport.write("n", to: root.appendingPathComponent("notes"))
        return root
    }

    @Test func countsBytesExtensionsFoldersAndSizes() throws {
        let root = try Self.tree()
        let old = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: root.appendingPathComponent("notes").path)
        let r = try QuickScan(root: root, top: 2).run()
        #expect(r.fileCount == 4)
        #expect(r.bytes == 2011)
        #expect(Set(r.byExtension.map { "\($0.name)=\($0.files)" }) == ["csv=2", "json=1", "(none)=1"])
        #expect(r.byFolder.map(\.name) == ["data", "."])
        #expect(r.byFolder.first?.files == 2)
        #expect(r.bySize.first { $0.label == "empty" }?.files == 1)
        #expect(r.bySize.first { $0.label == "< 1 KiB" }?.files == 2)
        #expect(r.bySize.first { $0.label == "1–100 KiB" }?.bytes == 2000)
        #expect(r.largest.map(\.path) == ["data/b.CSV", "a.csv"])
        #expect(r.oldest.first?.path == "notes")
        #expect(r.oldest.first?.modified.hasPrefix("2001-09-09T01:46:40") == true)
        #expect(r.walk.skippedEntries == 4)
        #expect(!r.truncated && r.unreadable.isEmpty)
    }

    @Test func hiddenAndIgnoredEntriesOnlyWhenAsked() throws {
        let root = try Self.tree()
        let hidden = try QuickScan(root: root, options: WalkOptions(includeHidden: true)).run()
        #expect(hidden.fileCount == 6)  // + .hidden/x.txt and .env, still not .git or node_modules
        let all = try QuickScan(root: root, options: WalkOptions(includeHidden: true, skippedNames: [])).run()
        #expect(all.fileCount == 8)
    }

    @Test func theEntryCapTruncates() throws {
        let root = try TemporaryFolder.create("scan-cap")
        for i in 0..<50 { try TestSupport.write("x", to: root.appendingPathComponent("f\(i).txt")) }
        let r = try QuickScan(root: root, options: WalkOptions(maxEntries: 20)).run()
        #expect(r.truncated)
        #expect(r.fileCount == 20)
    }

    @Test func aPassedDeadlineStopsTheWalkWithPartialFigures() throws {
        let root = try TemporaryFolder.create("scan-deadline")
        for i in 0..<2_100 { try TestSupport.write("x", to: root.appendingPathComponent("f\(i).txt")) }
        let late = try QuickScan(root: root, options: WalkOptions(deadline: .now - .seconds(1))).run()
        #expect(late.truncated && late.walk.timedOut)
        #expect(late.fileCount == 1_023, "the clock is read every 1,024 entries")
        let inTime = try QuickScan(root: root, options: WalkOptions(deadline: .now + .seconds(600))).run()
        #expect(!inTime.truncated && !inTime.walk.timedOut && inTime.fileCount == 2_100)
    }

    @Test func symlinkLoopsAndLinksOutOfTheRootAreNeverFollowedTwiceOrOut() throws {
        let outside = try Self.tree()
        let root = try TemporaryFolder.create("scan-links")
        try TestSupport.write("1234", to: root.appendingPathComponent("real/f.txt"))
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("real/loop").path, withDestinationPath: "..")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("real/self").path, withDestinationPath: ".")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("alias").path, withDestinationPath: "real")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("out").path, withDestinationPath: outside.path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("etc-passwd").path, withDestinationPath: "/etc/passwd")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("dangling").path, withDestinationPath: "nowhere")

        let plain = try QuickScan(root: root).run()
        #expect(plain.fileCount == 1)
        #expect(plain.walk.symlinksNotFollowed == 6)
        #expect(plain.walk.linksOutsideRoot == 2)

        let following = try QuickScan(root: root, options: WalkOptions(followLinksWithinRoot: true)).run()
        #expect(following.fileCount == 1, "each folder once: \(following.largest.map(\.path))")
        #expect(following.walk.linksOutsideRoot == 2)
        #expect(following.walk.revisitsAvoided >= 3)
        #expect(!following.largest.contains { $0.path.contains("passwd") || $0.path.hasPrefix("out/") })
    }

    @Test func aMissingRootOrAFileIsAClearError() throws {
        let e1 = #expect(throws: CasparianError.self) { try QuickScan(root: URL(fileURLWithPath: "/nonexistent/x")).run() }
        #expect(e1?.kind == .notFound)
        #expect(e1?.message.contains("No such file or directory") == true)
        let file = try TemporaryFolder.create("scan-file").appendingPathComponent("f")
        try TestSupport.write("x", to: file)
        let e2 = #expect(throws: CasparianError.self) { try QuickScan(root: file).run() }
        #expect(e2?.message.contains("is not a folder") == true)
    }

    /// Tests run as root, for whom chmod 000 changes nothing: the scan runs
    /// in a child `casparian scan` process that drops to `nobody`
    /// (setpriv), so opendir really fails with EACCES.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func unreadableFoldersAreReportedNotFatal() throws {
        let root = try TemporaryFolder.create("scan-unreadable")
        chmod(root.path, 0o755)
        try TestSupport.write("ok", to: root.appendingPathComponent("open/a.txt"))
        try TestSupport.write("secret", to: root.appendingPathComponent("locked/inner/s.txt"))
        try TestSupport.write("b", to: root.appendingPathComponent("zzz/b.txt"))
        for dir in ["open", "zzz"] { chmod(root.appendingPathComponent(dir).path, 0o755) }
        chmod(root.appendingPathComponent("locked").path, 0o700)
        for f in ["open/a.txt", "zzz/b.txt"] { chmod(root.appendingPathComponent(f).path, 0o644) }

        let r = try CLIRunner.run(
            ["scan", root.path, "--json"], environment: ["PATH": "/usr/bin:/bin"], inheritEnvironment: false,
            launcher: ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONDecoder().decode(ScanReport.self, from: r.stdoutData)
        #expect(report.fileCount == 2)
        #expect(report.unreadable == [UnreadableEntry(path: "locked", error: "Permission denied")])
    }
}
