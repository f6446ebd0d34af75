import Foundation

/// The package's root folder: `examples/`, `plugins/` and the test
/// fixtures are addressed from it.
public enum PackageRoot {
    public static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var examples: URL { url.appendingPathComponent("examples") }
}
