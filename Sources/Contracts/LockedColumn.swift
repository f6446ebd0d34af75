import CasparianCore
import Foundation

/// One locked column.
public struct LockedColumn: Codable, Sendable, Equatable {
    public var name: String
    public var type: DataType
    public var nullable: Bool
    /// strftime pattern for dates, times and timestamps that arrive as text;
    /// for int64 and float64, the notation of numbers written with digit
    /// grouping (`#,##0`, `#.##0,#`, … see `NumberFormat`).
    public var format: String?
    /// Text values that count as null for this column.
    public var nullSentinels: [String]
    /// The name the column gets in the output table.
    public var renameTo: String?
    /// What a row that lacks the column gets; without one a missing column is
    /// a `missing_column` violation.
    public var defaultValue: ColumnDefault?

    public init(
        name: String, type: DataType, nullable: Bool, format: String? = nil, nullSentinels: [String] = [],
        renameTo: String? = nil, defaultValue: ColumnDefault? = nil
    ) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.format = format
        self.nullSentinels = nullSentinels
        self.renameTo = renameTo
        self.defaultValue = defaultValue
    }

    /// The column's name in the output table.
    public var outputName: String { renameTo ?? name }

    enum CodingKeys: String, CodingKey {
        case name, type, nullable, format
        case nullSentinels = "null_sentinels"
        case renameTo = "rename_to"
        case defaultValue = "default"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        type = try c.decode(DataType.self, forKey: .type)
        nullable = try c.decodeIfPresent(Bool.self, forKey: .nullable) ?? false
        format = try c.decodeIfPresent(String.self, forKey: .format)
        nullSentinels = try c.decodeIfPresent([String].self, forKey: .nullSentinels) ?? []
        renameTo = try c.decodeIfPresent(String.self, forKey: .renameTo)
        if c.contains(.defaultValue) {
            defaultValue = try c.decodeNil(forKey: .defaultValue) ? .null : try c.decode(ColumnDefault.self, forKey: .defaultValue)
        } else {
            defaultValue = nil
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(type, forKey: .type)
        try c.encode(nullable, forKey: .nullable)
        try c.encodeIfPresent(format, forKey: .format)
        if !nullSentinels.isEmpty { try c.encode(nullSentinels, forKey: .nullSentinels) }
        try c.encodeIfPresent(renameTo, forKey: .renameTo)
        switch defaultValue {
        case nil: break
        case .null?: try c.encodeNil(forKey: .defaultValue)
        case .text(let t)?: try c.encode(t, forKey: .defaultValue)
        }
    }
}

/// A column's default: `null` (`"default": null`, only for nullable
/// columns) or a text value converted to the column's type
/// (`"default": "0"`; JSON numbers and booleans are accepted as their text).
public enum ColumnDefault: Codable, Sendable, Equatable, ExpressibleByStringLiteral {
    case null
    case text(String)

    public init(stringLiteral value: String) { self = .text(value) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
            return
        }
        if let s = try? c.decode(String.self) {
            self = .text(s)
            return
        }
        if let b = try? c.decode(Bool.self) {
            self = .text(b ? "true" : "false")
            return
        }
        if let i = try? c.decode(Int64.self) {
            self = .text(String(i))
            return
        }
        if let d = try? c.decode(Double.self) {
            self = .text(String(d))
            return
        }
        throw DecodingError.typeMismatch(
            ColumnDefault.self,
            .init(
                codingPath: decoder.codingPath,
                debugDescription: "a default is null, a string, a number or a boolean"))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .text(let t): try c.encode(t)
        }
    }

    /// The form `--override col.default=VALUE` takes: `null` means null.
    public init(argument: String) {
        self = argument == "null" ? .null : .text(argument)
    }

    public var description: String {
        switch self {
        case .null: return "null"
        case .text(let t): return "\"\(t)\""
        }
    }
}
