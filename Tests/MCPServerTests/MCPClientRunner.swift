import Foundation
import PluginHost
import Testing

/// Runs a Python scenario under `Clients/` with the test venv's Python (the
/// official `mcp` client and `jsonschema`), against the built `casparian`
/// and a fresh copy of `examples/`, and decodes the JSON it prints.
enum MCPClientRunner {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let clients = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients")
    /// The built `casparian`, beside the worker binary the tests find.
    static let casparian = URL(fileURLWithPath: WorkerEnvironment.defaultWorkerExecutable()).deletingLastPathComponent().appendingPathComponent("casparian").path

    /// `$CASPARIAN_TEST_VENV/bin/python` (set by `make test`), else the package's `.venv-test`.
    static var python: String? {
        var candidates: [String] = []
        if let v = ProcessInfo.processInfo.environment["CASPARIAN_TEST_VENV"], !v.isEmpty { candidates.append(v + "/bin/python") }
        candidates.append(packageRoot.appendingPathComponent(".venv-test/bin/python").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A temporary folder holding a copy of `examples/` (its `sales/` and `weblogs/`).
    static func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casparian-mcp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for item in try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("examples").path) {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples").appendingPathComponent(item),
                                             to: dir.appendingPathComponent(item))
        }
        return dir.resolvingSymlinksInPath()
    }

    struct Outcome {
        var json: [String: Any]
        var stderr: String
    }

    /// Runs `Clients/SCRIPT` and returns the JSON object it printed.
    static func run(_ script: String, workspace: URL, extra: [String] = [], environment: [String: String] = [:],
                    timeout: TimeInterval = 300) throws -> Outcome {
        let py = try #require(python, "no test venv: run `make deps` (or set CASPARIAN_TEST_VENV) so the official mcp client is available")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: py)
        p.arguments = [clients.appendingPathComponent(script).path, "--casparian", casparian, "--workspace", workspace.path]
            + extra.flatMap { ["--extra", $0] }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        p.environment = env
        let out = Pipe()
        let errURL = workspace.appendingPathComponent("client-stderr-\(script).log")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let err = try FileHandle(forWritingTo: errURL)
        defer { try? err.close() }
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = DispatchTime.now() + timeout
        DispatchQueue.global().asyncAfter(deadline: deadline) { if p.isRunning { p.terminate() } }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        let line = String(decoding: o, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard p.terminationStatus == 0, let data = line.data(using: .utf8),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            Issue.record("\(script) exited \(p.terminationStatus); stdout: \(line.prefix(2000)); stderr: \(stderr.suffix(4000))")
            throw ScenarioFailed()
        }
        return Outcome(json: json, stderr: stderr)
    }

    struct ScenarioFailed: Error {}
}

/// Small accessors for the scenario JSON.
extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
    func structured(_ key: String) -> [String: Any] { object(key).object("structured") }
    func isError(_ key: String) -> Bool { object(key)["is_error"] as? Bool ?? false }
    func text(_ key: String) -> String { object(key)["text"] as? String ?? "" }
}
