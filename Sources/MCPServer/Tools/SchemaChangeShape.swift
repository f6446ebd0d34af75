import CasparianCore
import Contracts
import MCP

/// The shape of one amendment change (`SchemaChange`) over MCP: the input
/// schema that describes every operation's fields, and a check that says
/// in words which field of which change is wrong before anything decodes.
enum SchemaChangeShape {
    /// An operation's fields: required ones, and what each must be.
    struct Operation: Sendable {
        var op: String
        var summary: String
        var required: [String]
        var optional: [String] = []
    }

    static let operations: [Operation] = [
        .init(
            op: "add_column", summary: "a new column; column is an object {name, type, nullable, format?, default?, rename_to?}",
            required: ["column"]),
        .init(op: "change_type", summary: "column gets type (and format, or null)", required: ["column", "type"], optional: ["format"]),
        .init(op: "set_nullable", summary: "column may (true) or may not (false) be null", required: ["column", "nullable"]),
        .init(op: "set_format", summary: "column's format (strftime or number pattern), or null for none", required: ["column", "format"]),
        .init(op: "set_default", summary: "the value (text, or null) a missing column takes", required: ["column", "default"]),
        .init(op: "rename", summary: "the name the plugin emits changes from column to `to`", required: ["column", "to"]),
        .init(op: "drop_column", summary: "column leaves the contract", required: ["column"]),
    ]

    static let types = DataType.allCases.map(\.rawValue)

    /// The input schema of one change, every field described.
    static let schema = JSONSchema.object(
        [
            "op": JSONSchema.string(
                "What the change does: "
                    + operations.map { "\($0.op) (\($0.required.joined(separator: ", ")): \($0.summary))" }
                    .joined(separator: "; "),
                oneOf: operations.map(\.op)),
            "column": .object([
                "type": .array(["string", "object"]),
                "description": .string(
                    "The column's name (a string); for add_column the new column as an object: {\"name\": \"discount\", "
                        + "\"type\": \"float64\", \"nullable\": true} (optional: format, default, rename_to)."),
            ]),
            "type": JSONSchema.string("change_type: the new type.", oneOf: types),
            "format": JSONSchema.nullable(
                JSONSchema.string(
                    "change_type, set_format: a strftime pattern (\"%d/%m/%Y\") or number pattern (\"#,##0\"); null for none.")),
            "nullable": JSONSchema.boolean("set_nullable: true when the column may be null."),
            "to": JSONSchema.string("rename: the new name the plugin emits.", minLength: 1),
            "default": .object([
                "type": .array(["string", "number", "boolean", "null"]),
                "description": .string("set_default: the value rows without the column take (written as text), or null."),
            ]),
        ], required: ["op", "column"],
        description: "A schema change, e.g. {\"op\": \"set_nullable\", \"column\": \"amount\", \"nullable\": true}.")

    /// Problems with `changes`, in words (`changes[0].nullable must be true or false, got "yes"`); empty when each change has its operation's shape.
    static func problems(in changes: Value, argument: String) -> [String] {
        guard let items = changes.arrayValue else { return ["\(argument) must be a list of changes, got \(describe(changes))"] }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            let at = "\(argument)[\(i)]"
            guard let o = item.objectValue else {
                out.append(
                    "\(at) must be an object like {\"op\": \"set_nullable\", \"column\": \"amount\", \"nullable\": true}, got \(describe(item))"
                )
                continue
            }
            guard let opName = o["op"]?.stringValue, let op = operations.first(where: { $0.op == opName }) else {
                out.append(
                    "\(at).op must be one of \(operations.map(\.op).joined(separator: ", ")), got \(o["op"].map(describe) ?? "nothing")")
                continue
            }
            for key in op.required where o[key] == nil && !(op.op == "set_format" && key == "format") {
                out.append("\(at) (\(op.op)) needs \(key): \(op.summary)")
            }
            let allowed = Set(["op"] + op.required + op.optional)
            for key in o.keys.sorted() where !allowed.contains(key) {
                out.append("\(at).\(key) is not a field of \(op.op) (its fields: \(op.required.joined(separator: ", ")))")
            }
            out += fieldProblems(o, op: op, at: at)
        }
        return out
    }

    private static func fieldProblems(_ o: [String: Value], op: Operation, at: String) -> [String] {
        var out: [String] = []
        if let column = o["column"] {
            if op.op == "add_column" {
                out += newColumnProblems(column, at: "\(at).column")
            } else if column.stringValue?.isEmpty != false {
                out.append("\(at).column must be the column's name (a non-empty string), got \(describe(column))")
            }
        }
        if let type = o["type"], !types.contains(type.stringValue ?? "") {
            out.append("\(at).type must be one of \(types.joined(separator: ", ")), got \(describe(type))")
        }
        if let format = o["format"], format.stringValue == nil, !format.isNull {
            out.append("\(at).format must be a pattern (a string) or null, got \(describe(format))")
        }
        if let nullable = o["nullable"], nullable.boolValue == nil {
            out.append("\(at).nullable must be true or false, got \(describe(nullable))")
        }
        if let to = o["to"], to.stringValue?.isEmpty != false {
            out.append("\(at).to must be the new name (a non-empty string), got \(describe(to))")
        }
        if let d = o["default"], d.arrayValue != nil || d.objectValue != nil {
            out.append("\(at).default must be a value (text, a number, true/false) or null, got \(describe(d))")
        }
        return out
    }

    private static func newColumnProblems(_ column: Value, at: String) -> [String] {
        guard let c = column.objectValue else {
            return ["\(at) must be the new column as an object {\"name\": …, \"type\": …, \"nullable\": …}, got \(describe(column))"]
        }
        var out: [String] = []
        if c["name"]?.stringValue?.isEmpty != false { out.append("\(at).name must be the new column's name (a non-empty string)") }
        if !types.contains(c["type"]?.stringValue ?? "") {
            out.append("\(at).type must be one of \(types.joined(separator: ", ")), got \(c["type"].map(describe) ?? "nothing")")
        }
        if let n = c["nullable"], n.boolValue == nil { out.append("\(at).nullable must be true or false, got \(describe(n))") }
        let known: Set<String> = ["name", "type", "nullable", "format", "default", "rename_to", "null_sentinels"]
        for key in c.keys.sorted() where !known.contains(key) {
            out.append("\(at).\(key) is not a column field (fields: name, type, nullable, format, default, rename_to)")
        }
        return out
    }

    static func describe(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .int(let i): return "the number \(i)"
        case .double(let d): return "the number \(d)"
        case .string(let s): return "\"\(s.prefix(60))\""
        case .array: return "a list"
        case .object: return "an object"
        case .data: return "binary data"
        }
    }
}
