import Foundation

/// The test virtual environment `make deps` creates (pandas, pyarrow,
/// numpy, the official `mcp` client, `jsonschema`).
public enum TestVenv {
    /// `$CASPARIAN_TEST_VENV` (set by `make test`), else the package's
    /// `.venv-test`, when it holds a Python.
    public static var directory: URL? {
        var candidates: [URL] = []
        if let v = ProcessInfo.processInfo.environment["CASPARIAN_TEST_VENV"], !v.isEmpty { candidates.append(URL(fileURLWithPath: v)) }
        candidates.append(PackageRoot.url.appendingPathComponent(".venv-test"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("bin/python").path) }
    }

    /// The venv's `bin/python`.
    public static var python: String? {
        directory?.appendingPathComponent("bin/python").path
    }

    /// Why a test that needs the venv cannot run.
    public struct Missing: Error, CustomStringConvertible {
        public init() {}
        public var description: String {
            "no test venv: run `make deps` (or set CASPARIAN_TEST_VENV) so pandas, numpy and the official mcp client are available"
        }
    }

    /// `python`, or `Missing`.
    public static func requirePython() throws -> String {
        guard let python else { throw Missing() }
        return python
    }
}
