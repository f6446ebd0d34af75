import CasparianTestSupport
import Foundation
import Testing

/// Runs a Python scenario under `Clients/` with the test venv's Python (the
/// official `mcp` client and `jsonschema`), against the built `casparian`
/// and a fresh copy of `examples/`, and decodes the JSON it prints.
enum MCPClientRunner {
    static let clients = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients")

    /// A temporary folder holding a copy of `examples/` (its `sales/` and `weblogs/`).
    static func workspace() throws -> URL {
        try TemporaryFolder.copyOfExamples("mcp")
    }

    struct Outcome {
        var json: [String: Any]
        var stderr: String
    }

    /// Runs `Clients/SCRIPT` and returns the JSON object it printed last.
    /// Past `timeout` the client's process group is killed (a server it
    /// started in a session of its own stops when its stdin closes) and
    /// this throws `ProcessTimedOut` with what the client printed.
    static func run(
        _ script: String, workspace: URL, extra: [String] = [], environment: [String: String] = [:],
        timeout: TimeInterval = 300
    ) throws -> Outcome {
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        let arguments =
            [clients.appendingPathComponent(script).path, "--casparian", CLIRunner.binary, "--workspace", workspace.path]
            + extra.flatMap { ["--extra", $0] }
        let r = try ProcessLaunch(try TestVenv.requirePython(), arguments, environment: env, timeout: timeout).run()
        let line = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard r.status == 0, let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            Issue.record("\(script) exited \(r.status); stdout: \(line.prefix(2000)); stderr: \(r.stderr.suffix(4000))")
            throw ScenarioFailed()
        }
        return Outcome(json: json, stderr: r.stderr)
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
