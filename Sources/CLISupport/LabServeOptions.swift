import ArgumentParser
import Foundation
import Logging

/// The options of `casparian lab`, parsed twice: by `casparian` (for help
/// and validation) and by `casparian-lab`, the binary it becomes.
public struct LabServeOptions: ParsableArguments {
    public init() {}

    @Option(help: "Serve the page on HOST:PORT (port 0: any free port).")
    public var addr: String = "127.0.0.1:8642"

    @Option(help: "The folder holding .casparian/ (default: found from the current directory, else created here).")
    public var workspace: String?

    @Option(help: "The plugins folder (default: plugins/ next to .casparian/).")
    public var plugins: String?

    @Flag(help: "Open the page in the desktop's browser (xdg-open).")
    public var open = false

    @Option(
        name: .customLong("token-env"),
        help: "Environment variable holding the token a browser must present (required beyond loopback).")
    public var tokenEnv: String?

    @Option(help: "Worker processes at most (default: one per core).")
    public var jobs: Int?

    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error.")
    public var logLevel: String = "notice"

    @OptionGroup public var python: PythonOptions

    public func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level takes trace, debug, info, notice, warning, error or critical (got \(logLevel))")
        }
    }

    public static let abstract = "Serve the Parser Lab: the whole flow on a local web page."
    public static let discussion = """
        Prints the page's URL (and opens it with --open). The page shows the scopes and their files, \
        a file beside what a parser makes of it, discovery with its questions, contracts and \
        amendments, backtests with their iterations and failure clusters, jobs with live progress, \
        and a read-only SQL box over the output — all through the same workspace as the CLI and MCP.

        It binds to loopback unless told otherwise; beyond loopback a browser must present the token \
        held by the environment variable named by --token-env (open http://HOST:PORT/?token=TOKEN \
        once: it is kept in a cookie). Requests from other sites' pages are refused: a foreign \
        Origin gets 403, and every action that changes something needs the page's own token.
        """
}
