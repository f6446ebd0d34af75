import Foundation

/// How a process a test ran ended, and everything it printed.
public struct ProcessResult: Sendable {
    /// The exit code; 128 + N when signal N ended it, as a shell shows it.
    public var status: Int32
    /// The signal that ended the process, if one did.
    public var signal: Int32?
    public var stdoutData: Data
    public var stderrData: Data

    public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    public var stderr: String { String(decoding: stderrData, as: UTF8.self) }

    /// stdout parsed as a JSON object or array.
    public func json() throws -> Any {
        try JSONSerialization.jsonObject(with: stdoutData, options: [.fragmentsAllowed])
    }
}
