import CasparianCore
import Foundation
import Testing

@Suite("Plugin directories")
struct PluginDirectoryTests {
    @Test func metadataIsReadWithoutRunningTopLevelCode() throws {
        let p = try Fixtures.plugin("toplevel")
        #expect(p.name == "toplevel")
        #expect(p.version == "9.9")
        #expect(p.pattern == "*.log")
        #expect(p.summary == "Would fail if the host executed it.")
    }

    @Test func versionDefaultsToAHashOfTheSource() throws {
        let p = try Fixtures.plugin("raises")
        #expect(p.version.count == 12)
        #expect(p.version == String(p.sourceHash.prefix(12)))
        #expect(try Fixtures.plugin("raises").version == p.version)
    }

    @Test func declaredOutputs() throws {
        #expect(try Fixtures.plugin("multi").outputs == ["multi", "refunds"])
    }

    @Test func listingFindsEveryPlugin() throws {
        let all = try PluginDirectory.list(in: Fixtures.root.appendingPathComponent("plugins"))
        #expect(all.contains { $0.name == "good" && $0.pattern == "**/*.csv" && $0.version == "1.2.3" })
        #expect(all.map(\.name) == all.map(\.name).sorted())
    }

    @Test func missingDirectoryOrParserIsAClearError() {
        #expect(throws: (any Error).self) { try PluginDirectory(url: URL(fileURLWithPath: "/nonexistent/plugin")) }
        do {
            _ = try PluginDirectory(url: Fixtures.root)
            Issue.record("a folder without parser.py was accepted")
        } catch {
            #expect("\(error)".contains("has no parser.py"))
        }
    }
}
