import CasparianCore
import Foundation

/// The checks `ContractFile.load` runs on a hand-edited file, each reported
/// with the JSON path of the problem: unknown fields (a typo such as
/// `nulable` must not be ignored), wrong JSON types, missing fields, and
/// meaning (duplicate names, formats and defaults that do not fit the type).
enum ContractShape {
    static let rootKeys: Set<String> = [
        "casparian_contract", "id", "plugin", "scope", "version", "approved_at", "approved_by",
        "schemas", "excluded_files", "discovery_id",
    ]
    static let schemaKeys: Set<String> = ["output", "mode", "columns", "source", "files"]
    static let columnKeys: Set<String> = ["name", "type", "nullable", "format", "null_sentinels", "rename_to", "default"]

    /// Unknown fields and containers of the wrong kind, before decoding.
    static func check(_ tree: Any, path: String) throws {
        guard let root = tree as? [String: Any] else {
            throw problem(path, "$", "the contract must be a JSON object, found \(describe(tree))")
        }
        try unknownKeys(root, known: rootKeys, at: "$", path: path)
        guard let schemas = root["schemas"] as? [Any] else { return }
        for (i, s) in schemas.enumerated() {
            guard let schema = s as? [String: Any] else { continue }
            try unknownKeys(schema, known: schemaKeys, at: "$.schemas[\(i)]", path: path)
            guard let columns = schema["columns"] as? [Any] else { continue }
            for (j, c) in columns.enumerated() {
                guard let column = c as? [String: Any] else { continue }
                try unknownKeys(column, known: columnKeys, at: "$.schemas[\(i)].columns[\(j)]", path: path)
            }
        }
    }

    static func unknownKeys(_ object: [String: Any], known: Set<String>, at jsonPath: String, path: String) throws {
        if let bad = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw problem(path, "\(jsonPath).\(bad)", "unknown field (known fields: \(known.sorted().joined(separator: ", ")))")
        }
    }

    /// Turns a decoding error into a message with the JSON path and the
    /// offending value.
    static func describe(_ error: DecodingError, tree: Any, path: String) -> CasparianError {
        switch error {
        case .keyNotFound(let key, let ctx):
            return problem(path, jsonPath(ctx.codingPath), "missing field \"\(key.stringValue)\"")
        case .valueNotFound(let type, let ctx):
            return problem(path, jsonPath(ctx.codingPath), "null where \(typeName(type)) is required")
        case .typeMismatch(let type, let ctx):
            return problem(
                path, jsonPath(ctx.codingPath),
                "expected \(typeName(type)), found \(describe(value(at: ctx.codingPath, in: tree)))")
        case .dataCorrupted(let ctx):
            let found = value(at: ctx.codingPath, in: tree)
            switch ctx.codingPath.last?.stringValue {
            case "type":
                return problem(
                    path, jsonPath(ctx.codingPath),
                    "\(describe(found)) is not a type (\(DataType.allCases.map(\.rawValue).joined(separator: ", ")))")
            case "mode":
                return problem(
                    path, jsonPath(ctx.codingPath),
                    "\(describe(found)) is not a mode (\(LockedSchema.Mode.allCases.map(\.rawValue).joined(separator: ", ")))")
            default:
                return problem(path, jsonPath(ctx.codingPath), ctx.debugDescription)
            }
        @unknown default:
            return CasparianError(.data, "\(path): \(error)")
        }
    }

    /// Checks that decoding cannot express: names, formats, defaults.
    static func checkMeaning(_ contract: SchemaContract, path: String) throws {
        if contract.version < 1 { throw problem(path, "$.version", "the version must be 1 or more, found \(contract.version)") }
        if contract.plugin.isEmpty { throw problem(path, "$.plugin", "the plugin name is empty") }
        if contract.schemas.isEmpty { throw problem(path, "$.schemas", "a contract needs at least one schema") }
        try checkGlobs(contract.excludedFiles, at: "$.excluded_files", path: path)
        var outputs: Set<String> = []
        for (i, schema) in contract.schemas.enumerated() {
            let at = "$.schemas[\(i)]"
            if schema.output.isEmpty { throw problem(path, "\(at).output", "the output name is empty") }
            if !outputs.insert(schema.output).inserted {
                throw problem(path, "\(at).output", "a second schema for output \"\(schema.output)\"")
            }
            if schema.columns.isEmpty { throw problem(path, "\(at).columns", "a schema needs at least one column") }
            try checkGlobs(schema.files, at: "\(at).files", path: path)
            var names: Set<String> = []
            var outputNames: Set<String> = []
            for (j, column) in schema.columns.enumerated() {
                let cat = "\(at).columns[\(j)]"
                if column.name.isEmpty { throw problem(path, "\(cat).name", "the column name is empty") }
                if !names.insert(column.name).inserted {
                    throw problem(path, "\(cat).name", "a second column named \"\(column.name)\"")
                }
                if !outputNames.insert(column.outputName).inserted {
                    throw problem(
                        path, column.renameTo == nil ? "\(cat).name" : "\(cat).rename_to",
                        "two columns would be written as \"\(column.outputName)\"")
                }
                do {
                    _ = try ColumnPlan(column: column, output: schema.output)
                } catch {
                    throw CasparianError(.data, "\(path): \(cat).\(error.field): \(error.message)", hint: error.hint)
                }
            }
        }
        if let (jsonPath, message, _) = tableProblem(contract) { throw problem(path, jsonPath, message) }
    }

    static func checkGlobs(_ patterns: [String], at jsonPath: String, path: String) throws {
        for (i, p) in patterns.enumerated() {
            do {
                _ = try GlobPattern(p)
            } catch let e as CasparianError {
                throw problem(path, "\(jsonPath)[\(i)]", e.message)
            }
        }
    }

    static func problem(_ path: String, _ jsonPath: String, _ message: String) -> CasparianError {
        CasparianError(
            .data, "\(path): \(jsonPath): \(message)",
            hint: "fix the file by hand, or restore it with `git checkout`; `casparian contract check PLUGIN` re-checks it")
    }

    /// `$.schemas[0].columns[3].type` for a coding path.
    static func jsonPath(_ codingPath: [CodingKey]) -> String {
        var s = "$"
        for key in codingPath {
            if let i = key.intValue { s += "[\(i)]" } else { s += "." + key.stringValue }
        }
        return s
    }

    static func value(at codingPath: [CodingKey], in tree: Any) -> Any? {
        var node: Any? = tree
        for key in codingPath {
            if let i = key.intValue, let a = node as? [Any] {
                node = i < a.count ? a[i] : nil
            } else if let o = node as? [String: Any] {
                node = o[key.stringValue]
            } else {
                return nil
            }
        }
        return node
    }

    static func describe(_ value: Any?) -> String {
        switch value {
        case nil: return "nothing"
        case is NSNull: return "null"
        case let s as String: return "\"\(s.count > 60 ? String(s.prefix(60)) + "…" : s)\""
        case let n as NSNumber:
            return String(cString: n.objCType) == "c" ? (n.boolValue ? "true" : "false") : "\(n)"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        default: return "\(value!)"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is [Any].Type, is [String].Type: return "an array"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") || name.contains("KeyedDecodingContainer") { return "an object" }
            return name
        }
    }
}
