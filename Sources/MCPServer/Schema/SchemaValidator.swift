import MCP

/// Checks tool arguments against a tool's `inputSchema` (the SDK does not).
///
/// Covers the subset of JSON Schema the tools use: `type` (one or a list),
/// `properties`, `required`, `additionalProperties: false`, `enum`,
/// `minimum`/`maximum`, `minLength`/`maxLength`, `items`, `maxItems`.
public enum SchemaValidator {
    /// One message per problem, each naming the argument's JSON path.
    public static func problems(in value: Value, against schema: Value, at path: String = "arguments") -> [String] {
        guard case .object(let s) = schema else { return [] }
        var out: [String] = []
        if let type = s["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
            if !allowed.contains(where: { matches(value, type: $0) }) {
                return ["\(path) must be \(allowed.joined(separator: " or ")), got \(describe(value))"]
            }
        }
        if let values = s["enum"]?.arrayValue, !values.contains(where: { equal($0, value) }) {
            let list = values.map { $0.stringValue.map { "\"\($0)\"" } ?? "null" }.joined(separator: ", ")
            out.append("\(path) must be one of \(list), got \(describe(value))")
        }
        switch value {
        case .object(let o):
            let props = s["properties"]?.objectValue ?? [:]
            for key in (s["required"]?.arrayValue ?? []).compactMap(\.stringValue) where o[key] == nil {
                let hint = props[key]?.objectValue?["description"]?.stringValue.map { " (\($0))" } ?? ""
                out.append("\(path).\(key) is required\(hint)")
            }
            for (key, v) in o.sorted(by: { $0.key < $1.key }) {
                if let p = props[key] {
                    out += problems(in: v, against: p, at: "\(path).\(key)")
                } else if s["additionalProperties"]?.boolValue == false {
                    let known = props.keys.sorted().joined(separator: ", ")
                    out.append("\(path).\(key) is not an argument of this tool (arguments: \(known.isEmpty ? "none" : known))")
                }
            }
        case .array(let items):
            if let max = s["maxItems"]?.intValue, items.count > max {
                out.append("\(path) has \(items.count) items, at most \(max) allowed")
            }
            if let itemSchema = s["items"] {
                for (i, item) in items.enumerated() { out += problems(in: item, against: itemSchema, at: "\(path)[\(i)]") }
            }
        case .string(let text):
            if let min = s["minLength"]?.intValue, text.count < min {
                out.append(min == 1 ? "\(path) must not be empty" : "\(path) must have at least \(min) characters")
            }
            if let max = s["maxLength"]?.intValue, text.count > max { out.append("\(path) must have at most \(max) characters") }
        case .int, .double:
            let n = number(value)!
            if let min = number(s["minimum"]), n < min { out.append("\(path) must be at least \(format(min)), got \(format(n))") }
            if let max = number(s["maximum"]), n > max { out.append("\(path) must be at most \(format(max)), got \(format(n))") }
        default:
            break
        }
        return out
    }

    static func matches(_ v: Value, type: String) -> Bool {
        switch (type, v) {
        case ("object", .object), ("array", .array), ("string", .string), ("string", .data), ("boolean", .bool), ("null", .null):
            return true
        case ("number", .int), ("number", .double), ("integer", .int): return true
        case ("integer", .double(let d)): return d.rounded() == d && abs(d) < 9e15
        default: return false
        }
    }

    static func number(_ v: Value?) -> Double? {
        switch v {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        default: return nil
        }
    }

    static func equal(_ a: Value, _ b: Value) -> Bool {
        if let x = number(a), let y = number(b) { return x == y }
        return a == b
    }

    static func format(_ d: Double) -> String {
        d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }

    static func describe(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return "boolean \(b)"
        case .int(let i): return "integer \(i)"
        case .double(let d): return "number \(d)"
        case .string(let s): return "string \"\(s.prefix(40))\""
        case .data: return "a data URL string"
        case .array(let a): return "an array of \(a.count)"
        case .object: return "an object"
        }
    }
}
