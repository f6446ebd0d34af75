import CasparianCore
import Foundation
import MCP

/// One `tools/call`: the validated arguments, the server's environment and
/// a way to report progress to the caller.
public struct ToolCall: Sendable {
    public let name: String
    public let arguments: [String: Value]
    public let environment: ServerEnvironment
    /// Sends `notifications/progress` when the request carried a `progressToken`.
    public let progress: ProgressSink
    /// Asks the person at the client through a form; nil when the client
    /// did not declare form elicitation.
    public var elicitation: ElicitationChannel? = nil

    public func string(_ key: String) -> String? {
        switch arguments[key] {
        case .string(let s)?: return s
        case .data(let mime, let d)?: return "data:\(mime ?? "");base64,\(d.base64EncodedString())"
        default: return nil
        }
    }

    /// A string the schema marks required (validation has already checked it).
    public func required(_ key: String) throws -> String {
        guard let s = string(key) else {
            throw CasparianError(.usage, "missing argument \(key)", hint: "send {\"\(key)\": \"…\"}")
        }
        return s
    }

    public func int(_ key: String) -> Int? {
        switch arguments[key] {
        case .int(let i)?: return i
        case .double(let d)?: return Int(exactly: d)
        default: return nil
        }
    }

    public func double(_ key: String) -> Double? {
        switch arguments[key] {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        default: return nil
        }
    }

    public func bool(_ key: String) -> Bool? { arguments[key]?.boolValue }

    public func strings(_ key: String) -> [String]? {
        arguments[key]?.arrayValue?.compactMap(\.stringValue)
    }

    public func object(_ key: String) -> [String: Value]? { arguments[key]?.objectValue }
}

/// Where a long tool reports progress; a no-op without a progress token.
public struct ProgressSink: Sendable {
    let send: @Sendable (Double, Double?, String?) -> Void
    let drain: @Sendable () async -> Void

    public init(send: @escaping @Sendable (Double, Double?, String?) -> Void, drain: @escaping @Sendable () async -> Void = {}) {
        self.send = send
        self.drain = drain
    }

    public static let none = ProgressSink { _, _, _ in }

    /// Stops forwarding and waits until every notification queued so far is
    /// sent, so none arrives after the tool's response (clients drop those).
    public func finish() async { await drain() }

    public func report(_ done: Int, of total: Int, _ message: String? = nil) {
        send(Double(done), Double(total), message)
    }
}
