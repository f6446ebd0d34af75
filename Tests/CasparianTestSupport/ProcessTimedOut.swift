import Foundation

/// A process outlived its launch's timeout: its process group was killed.
/// The description names the command and shows what it had printed, so a
/// hung binary fails its test with the evidence instead of hanging the suite.
public struct ProcessTimedOut: Error, CustomStringConvertible {
    public var commandLine: String
    public var pid: Int32
    public var timeout: TimeInterval
    /// What was still going on: the process ran on, or it exited but
    /// something it started kept its stdout or stderr open.
    public var situation: String
    public var stdout: String
    public var stderr: String

    public var description: String {
        """
        \(commandLine) (pid \(pid)) \(situation) within \(String(format: "%g", timeout)) s: its process group was killed (SIGKILL).
        stdout so far: \(Self.tail(stdout))
        stderr so far: \(Self.tail(stderr))
        """
    }

    static func tail(_ text: String, limit: Int = 4000) -> String {
        if text.isEmpty { return "(nothing)" }
        return text.count > limit ? "…" + text.suffix(limit) : text
    }
}

/// posix_spawn refused to start a process (e.g. no such executable).
public struct ProcessLaunchFailed: Error, CustomStringConvertible {
    public var commandLine: String
    public var reason: String

    public var description: String { "could not start \(commandLine): \(reason)" }
}
