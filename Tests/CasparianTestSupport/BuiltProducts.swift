import Foundation

/// The executables `swift build` put beside the test bundle: `casparian`,
/// `casparian-worker`, `casparian-mcp` and the test-only `casparian-test-writer`.
public enum BuiltProducts {
    /// The build folder (`.build/debug`): the nearest folder at or above the
    /// running test bundle that holds `casparian`.
    public static let directory: URL = {
        let running = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let home = URL(fileURLWithPath: running).deletingLastPathComponent()
        var dir = home
        for _ in 0..<4 {
            if FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("casparian").path) { return dir }
            dir.deleteLastPathComponent()
        }
        return home
    }()

    /// The path of the built executable `name`.
    public static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    public static var casparian: String { path("casparian") }
    public static var worker: String { path("casparian-worker") }
    /// Writes synthetic files into an output database, for crash tests
    /// (`Tests/CasparianTestWriter`; not shipped).
    public static var testWriter: String { path("casparian-test-writer") }
}
