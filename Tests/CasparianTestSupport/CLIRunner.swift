import Foundation

/// Runs the built `casparian` (or another binary: the release build, the
/// worker, `casparian-mcp`) with colours off and a wide terminal, and
/// captures its exit code, stdout and stderr.
public enum CLIRunner {
    public typealias Result = ProcessResult

    /// The built `casparian`.
    public static var binary: String { BuiltProducts.casparian }

    /// Runs `casparian ARGS…` (or another `binary`) in `directory`, through
    /// `launcher` (e.g. `setpriv …` to run as another user) when given.
    /// `environment` is added to the test process's own, or with
    /// `inheritEnvironment: false` is the whole environment. Past `timeout`
    /// the process group is killed and this throws `ProcessTimedOut`.
    public static func run(
        _ arguments: [String], in directory: URL? = nil, binary: String = binary,
        environment: [String: String] = [:], inheritEnvironment: Bool = true, launcher: [String] = [],
        stdin: Data? = nil, timeout: TimeInterval = ProcessLaunch.defaultTimeout
    ) throws -> Result {
        try launch(
            arguments, in: directory, binary: binary, environment: environment, inheritEnvironment: inheritEnvironment,
            launcher: launcher, stdin: stdin, timeout: timeout
        ).run()
    }

    /// The same launch, to `start()` and read or signal while it runs.
    public static func launch(
        _ arguments: [String], in directory: URL? = nil, binary: String = binary,
        environment: [String: String] = [:], inheritEnvironment: Bool = true, launcher: [String] = [],
        stdin: Data? = nil, timeout: TimeInterval = ProcessLaunch.defaultTimeout
    ) -> ProcessLaunch {
        var env = inheritEnvironment ? ProcessInfo.processInfo.environment : [:]
        env["NO_COLOR"] = "1"
        env["COLUMNS"] = "200"
        env.merge(environment) { $1 }
        let command = launcher + [binary] + arguments
        return ProcessLaunch(command[0], Array(command.dropFirst()), in: directory, environment: env, stdin: stdin, timeout: timeout)
    }
}
