import CasparianCore
import Foundation
import MCP

/// What a tool returns: its fields, a one-line summary and the next calls
/// that make sense, as `structuredContent` plus the same JSON as text.
public struct ToolReply: Sendable {
    public var fields: [String: Value]
    public var summary: String
    public var nextActions: [String]

    public init(_ fields: [String: Value], summary: String, next nextActions: [String] = []) {
        self.fields = fields
        self.summary = summary
        self.nextActions = nextActions
    }

    /// `value`'s JSON encoding (snake_case keys) merged with extra fields.
    public init<T: Encodable>(encoding value: T, extra: [String: Value] = [:], summary: String, next: [String] = []) throws {
        guard case .object(var o) = try JSONValue.from(value) else {
            throw CasparianError(.internal, "a tool result did not encode as an object")
        }
        for (k, v) in extra { o[k] = v }
        self.init(o, summary: summary, next: next)
    }

    public var structured: Value {
        var o = fields
        o["summary"] = .string(summary)
        o["next_actions"] = .array(nextActions.map { .string($0) })
        return .object(o)
    }

    /// The result sent back; text content carries the same JSON for clients
    /// that ignore `structuredContent`.
    public var result: CallTool.Result {
        let value: Value? = structured
        return CallTool.Result(
            content: [.text(text: JSONValue.text(structured), annotations: nil, _meta: nil)],
            structuredContent: value, isError: false)
    }

    /// An `isError: true` result the model can act on: what was wrong and what to send instead.
    /// CLI commands and flags in the workspace's wording become the MCP tools that do the same (`MCPWording`).
    public static func failure(_ message: String, hint: String? = nil, kind: String = "usage") -> CallTool.Result {
        var text = "error (\(kind)): \(MCPWording.translate(message))"
        if let hint { text += "\nwhat to do: \(MCPWording.translate(hint))" }
        return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], isError: true)
    }

    /// Any error thrown by a handler, as an `isError: true` result.
    public static func failure(_ error: any Error) -> CallTool.Result {
        if let e = error as? CasparianError { return failure(e.message, hint: e.hint, kind: e.kind.rawValue) }
        if error is CancellationError {
            return failure("the call was cancelled", hint: "call the tool again to restart", kind: "cancelled")
        }
        return failure("\(error)", hint: "this is unexpected; check the server log on stderr and report it", kind: "internal")
    }
}

/// JSON helpers: Codable values to MCP `Value`s with snake_case keys.
enum JSONValue {
    static func from<T: Encodable>(_ value: T) throws -> Value {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(value)
        return try JSONDecoder().decode(Value.self, from: data)
    }

    static func text(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }

    static func parse(_ text: String) -> Value? {
        try? JSONDecoder().decode(Value.self, from: Data(text.utf8))
    }
}
