import Foundation

/// Fresh folders under `$TMPDIR` (`make test` points it at a scratch folder
/// it removes afterwards).
public enum TemporaryFolder {
    /// A new empty folder named after `label`, its path with symbolic links
    /// resolved (as a binary run in it sees its working directory).
    public static func create(_ label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casparian-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.resolvingSymlinksInPath()
    }

    /// A new folder holding a copy of `examples/` (`sales/`, `weblogs/`, …).
    public static func copyOfExamples(_ label: String = "examples") throws -> URL {
        let dir = try create(label)
        for item in try FileManager.default.contentsOfDirectory(atPath: PackageRoot.examples.path) {
            try FileManager.default.copyItem(
                at: PackageRoot.examples.appendingPathComponent(item),
                to: dir.appendingPathComponent(item))
        }
        return dir
    }
}
