import MCP

/// Builders for the JSON Schemas of tool inputs and outputs.
///
/// Input objects are closed (`additionalProperties: false`) so the model
/// learns about a misspelt argument instead of having it ignored.
public enum JSONSchema {
    /// An object with `properties`; `closed` forbids other keys.
    public static func object(
        _ properties: [String: Value], required: [String] = [], closed: Bool = true,
        description: String? = nil
    ) -> Value {
        var o: [String: Value] = [
            "type": "object",
            "properties": .object(properties),
            "additionalProperties": .bool(!closed),
        ]
        if !required.isEmpty { o["required"] = .array(required.sorted().map { .string($0) }) }
        if let description { o["description"] = .string(description) }
        return .object(o)
    }

    public static func string(
        _ description: String? = nil, oneOf values: [String]? = nil, minLength: Int? = nil,
        maxLength: Int? = nil
    ) -> Value {
        var o: [String: Value] = ["type": "string"]
        if let description { o["description"] = .string(description) }
        if let values { o["enum"] = .array(values.map { .string($0) }) }
        if let minLength { o["minLength"] = .int(minLength) }
        if let maxLength { o["maxLength"] = .int(maxLength) }
        return .object(o)
    }

    public static func integer(_ description: String? = nil, minimum: Int? = nil, maximum: Int? = nil) -> Value {
        var o: [String: Value] = ["type": "integer"]
        if let description { o["description"] = .string(description) }
        if let minimum { o["minimum"] = .int(minimum) }
        if let maximum { o["maximum"] = .int(maximum) }
        return .object(o)
    }

    public static func number(_ description: String? = nil, minimum: Double? = nil, maximum: Double? = nil) -> Value {
        var o: [String: Value] = ["type": "number"]
        if let description { o["description"] = .string(description) }
        if let minimum { o["minimum"] = .double(minimum) }
        if let maximum { o["maximum"] = .double(maximum) }
        return .object(o)
    }

    public static func boolean(_ description: String? = nil) -> Value {
        var o: [String: Value] = ["type": "boolean"]
        if let description { o["description"] = .string(description) }
        return .object(o)
    }

    public static func array(_ items: Value, description: String? = nil, maxItems: Int? = nil) -> Value {
        var o: [String: Value] = ["type": "array", "items": items]
        if let description { o["description"] = .string(description) }
        if let maxItems { o["maxItems"] = .int(maxItems) }
        return .object(o)
    }

    /// `schema` or null.
    public static func nullable(_ schema: Value) -> Value {
        guard case .object(var o) = schema, let t = o["type"]?.stringValue else { return schema }
        o["type"] = .array([.string(t), "null"])
        if case .array(let values)? = o["enum"] { o["enum"] = .array(values + [.null]) }
        return .object(o)
    }

    /// Any JSON value (used for payloads whose shape belongs to another module).
    public static let anyValue: Value = .object([:])

    /// A JSON scalar: what a query cell can be.
    public static let scalar: Value = .object(["type": .array(["string", "number", "integer", "boolean", "null"])])

    /// The output envelope every tool shares: the tool's own fields plus a
    /// one-line `summary` and the `next_actions` the model can take.
    public static func output(_ properties: [String: Value], required: [String]) -> Value {
        var p = properties
        p["summary"] = string("One line saying what happened.")
        p["next_actions"] = array(string(), description: "Tool calls that make sense next, e.g. `run_backtest {plugin, scope_id}`.")
        return object(p, required: required + ["summary", "next_actions"], closed: false)
    }
}
