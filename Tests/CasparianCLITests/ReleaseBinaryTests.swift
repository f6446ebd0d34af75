import CasparianTestSupport
import Foundation
import Testing

/// The binaries `make release` builds: what users install. They link the
/// Swift runtime and CPython statically, which the debug build the other
/// tests use does not, so a plugin's C extension modules resolve the Python
/// API differently there. `make test` builds them and sets
/// `CASPARIAN_RELEASE_DIR`; a plain `swift test` skips this suite.
@Suite("Release binaries", .enabled(if: ReleaseBinaries.directory != nil, "set CASPARIAN_RELEASE_DIR to .build/release (make test does)"))
struct ReleaseBinaryTests {
    /// Each of these is a C extension module (`lib-dynload/*.so`) in Debian's
    /// CPython, loaded by `dlopen` and resolving `Py*` against the worker.
    static let standardExtensions = [
        "decimal", "bz2", "lzma", "sqlite3", "ctypes", "ssl", "asyncio", "contextvars", "mmap",
        "_json", "array", "select", "zlib", "hashlib", "csv", "unicodedata",
    ]

    @Test func pluginsImportStandardCExtensionModules() throws {
        let dir = try TemporaryFolder.create("release-stdext")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plugin = try ReleaseBinaries.plugin(
            in: dir, name: "stdext",
            source: """
                import importlib
                from decimal import Decimal
                MODULES = \(Self.standardExtensions)
                def parse(path):
                    for name in MODULES:
                        module = importlib.import_module(name)
                        yield {"module": name, "origin": getattr(module, "__file__", None) or "built-in"}
                    yield {"module": "decimal-value", "origin": str(Decimal("1.10") + Decimal("2.205"))}
                """)
        let file = dir.appendingPathComponent("input.txt")
        try Data("x\n".utf8).write(to: file)

        let result = try ReleaseBinaries.run(["preview", file.path, "--plugin", plugin.path, "-n", "100", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)\nstdout: \(result.stdout)")
        let rows = try ReleaseBinaries.previewRows(result, output: "stdext")
        #expect(rows.map { $0[0] } == Self.standardExtensions + ["decimal-value"])
        #expect(rows.last?[1] == "3.305")
    }

    @Test func pluginsReturnNumpyAndPandasValuesFromAVenv() throws {
        let venv = try #require(TestVenv.directory, "needs the test venv (make deps, or CASPARIAN_TEST_VENV)").path
        let dir = try TemporaryFolder.create("release-pandas")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plugin = try ReleaseBinaries.plugin(
            in: dir, name: "frame",
            source: """
                import numpy as np
                import pandas as pd
                def parse(path):
                    df = pd.DataFrame({"n": np.arange(3, dtype=np.int64) * 7, "x": [0.5, np.nan, 2.5],
                                       "ts": pd.to_datetime(["2024-01-01", None, "2024-01-03"])})
                    return df
                """)
        let file = dir.appendingPathComponent("input.txt")
        try Data("x\n".utf8).write(to: file)

        let result = try ReleaseBinaries.run(["preview", file.path, "--plugin", plugin.path, "--python", venv, "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)\nstdout: \(result.stdout)")
        let rows = try ReleaseBinaries.previewRows(result, output: "frame")
        #expect(rows.map { $0[0] } == ["0", "7", "14"])
        #expect(rows[1][1] == nil)
        #expect(rows[2][2]?.hasPrefix("2024-01-03") == true)
    }

    /// The worker a release `casparian` starts is the release worker beside
    /// it, not the debug one the test bundle would find.
    @Test func theReleaseHostStartsTheReleaseWorker() throws {
        let dir = try TemporaryFolder.create("release-worker")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plugin = try ReleaseBinaries.plugin(
            in: dir, name: "whoami",
            source: """
                import os
                def parse(path):
                    yield {"exe": os.readlink(f"/proc/{os.getpid()}/exe")}
                """)
        let file = dir.appendingPathComponent("input.txt")
        try Data("x\n".utf8).write(to: file)
        let result = try ReleaseBinaries.run(["preview", file.path, "--plugin", plugin.path, "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let exe = try #require(try ReleaseBinaries.previewRows(result, output: "whoami").first?[0])
        let expected = try #require(ReleaseBinaries.directory).appendingPathComponent("casparian-worker").resolvingSymlinksInPath().path
        #expect(exe == expected)
    }
}

enum ReleaseBinaries {
    /// `$CASPARIAN_RELEASE_DIR`: the folder with the release `casparian` and `casparian-worker`.
    static var directory: URL? {
        guard let dir = ProcessInfo.processInfo.environment["CASPARIAN_RELEASE_DIR"], !dir.isEmpty else { return nil }
        return URL(fileURLWithPath: dir)
    }

    /// Runs the release `casparian`, with no worker override inherited from the tests.
    static func run(_ arguments: [String]) throws -> CLIRunner.Result {
        let dir = try #require(directory)
        return try CLIRunner.run(
            arguments, binary: dir.appendingPathComponent("casparian").path,
            environment: ["CASPARIAN_WORKER_BINARY": ""])
    }

    static func plugin(in dir: URL, name: String, source: String) throws -> URL {
        let plugin = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: plugin, withIntermediateDirectories: true)
        try Data(source.utf8).write(to: plugin.appendingPathComponent("parser.py"))
        return plugin
    }

    /// The rows `preview --json` printed for one output, as text (nil for null).
    static func previewRows(_ result: CLIRunner.Result, output: String) throws -> [[String?]] {
        let report = try #require(try result.json() as? [String: Any], "not a JSON object: \(result.stdout)")
        let outputs = try #require(report["outputs"] as? [[String: Any]], "no outputs in \(result.stdout)")
        let table = try #require(outputs.first { $0["name"] as? String == output }, "no output \(output) in \(result.stdout)")
        let rows = try #require(table["rows"] as? [[Any]], "no rows in \(table)")
        return rows.map { row in row.map { cell in cell is NSNull ? nil : "\(cell)" } }
    }
}
