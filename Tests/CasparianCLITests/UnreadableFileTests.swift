import CasparianTestSupport
import Foundation
import Testing

/// A file the user may not read is a permission problem, not a missing file.
/// The tests run as root, for whom permissions do not stop a read, so the
/// command runs as `nobody`.
@Suite("CLI: unreadable files", .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
struct UnreadableFileTests {
    static let asNobody = ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]

    @Test func aFileWithoutReadPermissionIsPermissionDeniedWithAHint() throws {
        let dir = try TemporaryFolder.create("unreadable")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        let readable = dir.appendingPathComponent("open.csv")
        let locked = dir.appendingPathComponent("locked.csv")
        for url in [readable, locked] { try Data("id,name\n1,Ana\n".utf8).write(to: url) }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: readable.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: locked.path)

        let r = try CLIRunner.run(["analyze", dir.path, "--json"], in: dir, launcher: Self.asNobody)
        let report = try #require(try? r.json() as? [String: Any], "\(r.status) \(r.stdout) \(r.stderr)")
        let unreadable = try #require(report["unreadable"] as? [[String: Any]])
        let entry = try #require(unreadable.first, "\(r.stdout)")
        #expect(entry["category"] as? String == "permission_denied", "\(entry)")
        #expect((entry["message"] as? String)?.contains("permission denied") == true, "\(entry)")

        let single = try CLIRunner.run(["analyze", locked.path], in: dir, launcher: Self.asNobody)
        #expect(single.stdout.contains("permission") || single.stderr.contains("permission"), "\(single.stdout) \(single.stderr)")
    }
}
