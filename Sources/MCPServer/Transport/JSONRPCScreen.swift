import Foundation
import MCP

/// Checks each incoming JSON-RPC message before the MCP SDK sees it, and
/// answers the malformed ones itself, as JSON-RPC 2.0 asks: a parse error
/// (-32700) or an invalid request (-32600), with `"id": null` when the id
/// cannot be told. The SDK alone would give such messages a random id, or
/// take a request whose id is an object or an unrepresentable number for a
/// notification and never answer it.
enum JSONRPCScreen {
    static let parseError = -32700
    static let invalidRequest = -32600

    /// What is wrong with a message: a JSON-RPC error code, a message that
    /// says what to do, and the request's id when it could be read.
    struct Problem: Sendable {
        var code: Int
        var message: String
        var id: ID?

        /// The JSON-RPC error response (stdio).
        var response: Data {
            let id: Any =
                switch self.id {
                case .string(let s): s
                case .number(let n): n
                case nil: NSNull()
                }
            let object: [String: Any] = ["jsonrpc": "2.0", "id": id, "error": ["code": code, "message": message]]
            return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        }

        /// The same as an SDK error, for an HTTP error response (whose id is null).
        var error: MCPError {
            // The SDK's error descriptions add "Parse error: " / "Invalid Request: " themselves.
            let detail = message.firstRange(of: ": ").map { String(message[$0.upperBound...]) } ?? message
            return code == JSONRPCScreen.parseError ? .parseError(detail) : .invalidRequest(detail)
        }
    }

    /// nil when `message` may go on to the SDK; else the error response to send.
    static func refusal(for message: Data) -> Data? { problem(in: message)?.response }

    /// nil when `message` may go on to the SDK; else what is wrong with it.
    static func problem(in message: Data) -> Problem? {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: message, options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            if detail.contains("not representable") {
                return problem(
                    code: invalidRequest, "Invalid Request: a number is out of range (\(detail))",
                    hint: "use a string or an integer (up to 2^63-1) as id, and numbers a double can hold")
            }
            return problem(
                code: parseError, "Parse error: the message is not valid JSON (\(detail))",
                hint: "send one JSON-RPC 2.0 object per line, UTF-8, without raw newlines inside it")
        }
        if let batch = object as? [Any] {
            guard !batch.isEmpty else {
                return problem(code: invalidRequest, "Invalid Request: an empty batch", hint: "send a JSON-RPC request object")
            }
            return nil
        }
        guard let fields = object as? [String: Any] else {
            return problem(
                code: invalidRequest, "Invalid Request: a JSON-RPC message is an object, got \(kind(of: object))",
                hint: "send {\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"…\", \"params\": {…}}")
        }
        var id: ID?
        if let sent = fields["id"] {
            guard let valid = validID(sent) else {
                return problem(
                    code: invalidRequest, "Invalid Request: id must be a string or an integer, got \(kind(of: sent))",
                    hint: "send a string or an integer id (or none, for a notification)")
            }
            id = valid
        }
        guard fields["jsonrpc"] as? String == "2.0" else {
            return problem(
                id: id, code: invalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"",
                hint: "add \"jsonrpc\": \"2.0\" to every message")
        }
        if let method = fields["method"] {
            guard method is String else {
                return problem(
                    id: id, code: invalidRequest, "Invalid Request: method must be a string, got \(kind(of: method))",
                    hint: "name the method as a string, e.g. \"tools/call\"")
            }
        } else if fields["result"] == nil, fields["error"] == nil {
            return problem(
                id: id, code: invalidRequest, "Invalid Request: the message has no method",
                hint: "a request needs \"method\" (and \"id\"); a response needs \"result\" or \"error\"")
        }
        return nil
    }

    /// The reply to a message longer than the transport accepts.
    static func tooLarge(bytes: Int, limit: Int) -> Data {
        problem(
            code: invalidRequest,
            "Invalid Request: the message is \(bytes) bytes or more; this server reads at most \(limit) bytes per message",
            hint: "send smaller messages (pass large data as a file path under the roots, not inline)"
        ).response
    }

    /// A string id, or an integer one the SDK can carry (not a bool, not fractional, within Int).
    private static func validID(_ id: Any) -> ID? {
        if let s = id as? String { return .string(s) }
        guard let n = id as? NSNumber else { return nil }
        switch String(cString: n.objCType) {
        case "c": return nil  // a boolean
        case "Q": return n.uint64Value <= UInt64(Int.max) ? .number(Int(n.uint64Value)) : nil
        case "d", "f": return Int(exactly: n.doubleValue).map { .number($0) }
        default: return .number(n.intValue)
        }
    }

    private static func kind(of value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case is String: return "a string"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case let n as NSNumber: return String(cString: n.objCType) == "c" ? "a boolean" : "the number \(n)"
        default: return "\(type(of: value))"
        }
    }

    private static func problem(id: ID? = nil, code: Int, _ message: String, hint: String) -> Problem {
        Problem(code: code, message: message + "; what to do: " + hint, id: id)
    }
}
