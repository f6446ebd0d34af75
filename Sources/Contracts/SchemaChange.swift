import CasparianCore
import Inference

/// One change an amendment makes to a locked schema.
///
/// JSON: `{"op": "add_column", "column": {…}}`, `{"op": "change_type",
/// "column": "amount", "type": "float64", "format": null}`, `{"op":
/// "set_nullable", "column": "x", "nullable": true}`, `{"op": "set_format",
/// "column": "day", "format": "%d/%m/%Y"}`, `{"op": "set_default", "column":
/// "x", "default": null}`, `{"op": "rename", "column": "x", "to": "y"}` (the
/// name the plugin emits; the table column follows unless `rename_to` is
/// set), `{"op": "drop_column", "column": "x"}`.
public enum SchemaChange: Codable, Sendable, Equatable {
    case addColumn(LockedColumn)
    case changeType(column: String, type: DataType, format: String?)
    case setNullable(column: String, nullable: Bool)
    case setFormat(column: String, format: String?)
    case setDefault(column: String, value: ColumnDefault?)
    case rename(column: String, to: String)
    case dropColumn(column: String)

    /// The column the change is about.
    public var column: String {
        switch self {
        case .addColumn(let c): return c.name
        case .changeType(let c, _, _), .setNullable(let c, _), .setFormat(let c, _), .setDefault(let c, _), .rename(let c, _),
            .dropColumn(let c):
            return c
        }
    }

    /// `add_column`, `change_type`, ….
    public var op: String {
        switch self {
        case .addColumn: return "add_column"
        case .changeType: return "change_type"
        case .setNullable: return "set_nullable"
        case .setFormat: return "set_format"
        case .setDefault: return "set_default"
        case .rename: return "rename"
        case .dropColumn: return "drop_column"
        }
    }

    /// One line for people: `change_type amount → float64`.
    public var summary: String {
        switch self {
        case .addColumn(let c):
            return "add_column \(c.name) \(c.type.rawValue)\(c.format.map { " " + $0 } ?? "")\(c.nullable ? " nullable" : "")"
        case .changeType(let c, let t, let f): return "change_type \(c) → \(t.rawValue)\(f.map { " " + $0 } ?? "")"
        case .setNullable(let c, let n): return "set_nullable \(c) → \(n)"
        case .setFormat(let c, let f): return "set_format \(c) → \(f ?? "none")"
        case .setDefault(let c, let d): return "set_default \(c) → \(d?.description ?? "none")"
        case .rename(let c, let to): return "rename \(c) → \(to)"
        case .dropColumn(let c): return "drop_column \(c)"
        }
    }

    enum Key: String, CodingKey { case op, column, type, format, nullable, to, `default` }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let op = try c.decode(String.self, forKey: .op)
        switch op {
        case "add_column": self = .addColumn(try c.decode(LockedColumn.self, forKey: .column))
        case "change_type":
            self = .changeType(
                column: try c.decode(String.self, forKey: .column), type: try c.decode(DataType.self, forKey: .type),
                format: try c.decodeIfPresent(String.self, forKey: .format))
        case "set_nullable":
            self = .setNullable(column: try c.decode(String.self, forKey: .column), nullable: try c.decode(Bool.self, forKey: .nullable))
        case "set_format":
            self = .setFormat(
                column: try c.decode(String.self, forKey: .column), format: try c.decodeIfPresent(String.self, forKey: .format))
        case "set_default":
            let value: ColumnDefault? =
                c.contains(.default)
                ? (try c.decodeNil(forKey: .default) ? .null : try c.decode(ColumnDefault.self, forKey: .default)) : nil
            self = .setDefault(column: try c.decode(String.self, forKey: .column), value: value)
        case "rename": self = .rename(column: try c.decode(String.self, forKey: .column), to: try c.decode(String.self, forKey: .to))
        case "drop_column": self = .dropColumn(column: try c.decode(String.self, forKey: .column))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .op, in: c,
                debugDescription:
                    "\"\(op)\" is not a change (add_column, change_type, set_nullable, set_format, set_default, rename, drop_column)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(op, forKey: .op)
        switch self {
        case .addColumn(let col): try c.encode(col, forKey: .column)
        case .changeType(let col, let t, let f):
            try c.encode(col, forKey: .column)
            try c.encode(t, forKey: .type)
            try c.encode(f, forKey: .format)
        case .setNullable(let col, let n):
            try c.encode(col, forKey: .column)
            try c.encode(n, forKey: .nullable)
        case .setFormat(let col, let f):
            try c.encode(col, forKey: .column)
            try c.encode(f, forKey: .format)
        case .setDefault(let col, let d):
            try c.encode(col, forKey: .column)
            switch d {
            case nil: break
            case .null?: try c.encodeNil(forKey: .default)
            case .text(let t)?: try c.encode(t, forKey: .default)
            }
        case .rename(let col, let to):
            try c.encode(col, forKey: .column)
            try c.encode(to, forKey: .to)
        case .dropColumn(let col): try c.encode(col, forKey: .column)
        }
    }
}

extension SchemaChange {
    /// Parses the CLI form of a change: `op` is the option's name without
    /// dashes (`add-column`, `change-type`, …) and `argument` its value:
    /// `add-column NAME=TYPE[:FORMAT]` (added nullable, null when missing),
    /// `change-type COL=TYPE[:FORMAT]`, `set-nullable COL=true|false`,
    /// `set-format COL=FORMAT`, `set-default COL=VALUE|null`,
    /// `rename COL=NEW`, `drop-column COL`.
    public init(op: String, argument: String) throws {
        func split() throws -> (String, String) {
            guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else {
                throw CasparianError(.usage, "--\(op) \(argument): expected COLUMN=VALUE")
            }
            return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
        }
        switch op {
        case "add-column":
            let (name, spec) = try split()
            let a = try ApprovalAnswer(argument: spec)
            self = .addColumn(LockedColumn(name: name, type: a.type, nullable: true, format: a.format, defaultValue: .null))
        case "change-type":
            let (name, spec) = try split()
            let a = try ApprovalAnswer(argument: spec)
            self = .changeType(column: name, type: a.type, format: a.format)
        case "set-nullable":
            let (name, v) = try split()
            guard let b = ["true": true, "false": false][v] else {
                throw CasparianError(.usage, "--set-nullable \(argument): the value is true or false")
            }
            self = .setNullable(column: name, nullable: b)
        case "set-format":
            let (name, v) = try split()
            self = .setFormat(column: name, format: v.isEmpty ? nil : v)
        case "set-default":
            let (name, v) = try split()
            self = .setDefault(column: name, value: ColumnDefault(argument: v))
        case "rename":
            let (name, v) = try split()
            self = .rename(column: name, to: v)
        case "drop-column":
            self = .dropColumn(column: argument)
        default:
            throw CasparianError(
                .usage, "unknown change \(op)",
                hint: "changes: add-column, change-type, set-nullable, set-format, set-default, rename, drop-column")
        }
    }
}

extension LockedSchema {
    /// The schema with `changes` applied in order; fails on a change that
    /// names a column the schema does not have (or adds one it has).
    public func applying(_ changes: [SchemaChange]) throws -> LockedSchema {
        var s = self
        for change in changes {
            let index = s.columns.firstIndex { $0.name == change.column }
            if case .addColumn(let c) = change {
                guard index == nil else {
                    throw CasparianError(
                        .usage, "output \(output) already has a column \(c.name)", hint: "use change_type or set_nullable to change it")
                }
                s.columns.append(c)
                continue
            }
            guard let i = index else {
                throw CasparianError(
                    .usage, "\(change.op): output \(output) has no column \(change.column)",
                    hint: "columns: \(s.columns.map(\.name).joined(separator: ", "))")
            }
            switch change {
            case .addColumn: break
            case .changeType(_, let t, let f):
                s.columns[i].format = ContractApproval.takesFormat(t) ? f ?? NumberFormat.pattern(s.columns[i].format, as: t) : nil
                s.columns[i].type = t
            case .setNullable(_, let n): s.columns[i].nullable = n
            case .setFormat(_, let f): s.columns[i].format = f
            case .setDefault(_, let d): s.columns[i].defaultValue = d
            case .rename(_, let to):
                guard !s.columns.contains(where: { $0.name == to }) else {
                    throw CasparianError(.usage, "rename: output \(output) already has a column \(to)")
                }
                s.columns[i].name = to
            case .dropColumn: s.columns.remove(at: i)
            }
        }
        return s
    }
}
