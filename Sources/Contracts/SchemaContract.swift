import CasparianCore
import Foundation

/// An approved schema: parser output must match it, and it changes only
/// through approved amendments, each making a new version.
public struct SchemaContract: Codable, Sendable, Equatable {
    public var id: String
    public var plugin: String
    public var scope: String?
    public var version: Int
    public var approvedAt: Date
    public var approvedBy: String
    public var schemas: [LockedSchema]

    public init(id: String, plugin: String, scope: String?, version: Int, approvedAt: Date, approvedBy: String, schemas: [LockedSchema]) {
        self.id = id
        self.plugin = plugin
        self.scope = scope
        self.version = version
        self.approvedAt = approvedAt
        self.approvedBy = approvedBy
        self.schemas = schemas
    }

    public func schema(for output: String) -> LockedSchema? {
        schemas.first { $0.output == output }
    }
}

/// The locked columns of one output table.
public struct LockedSchema: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable {
        /// Every column must be present, and no others.
        case strict
        /// Extra columns are allowed (and ignored).
        case allowExtra = "allow_extra"
    }

    public var output: String
    public var mode: Mode
    public var columns: [LockedColumn]

    public init(output: String, mode: Mode = .strict, columns: [LockedColumn]) {
        self.output = output
        self.mode = mode
        self.columns = columns
    }
}

/// One locked column.
public struct LockedColumn: Codable, Sendable, Equatable {
    public var name: String
    public var type: DataType
    public var nullable: Bool
    /// strftime pattern for dates and timestamps that arrive as text.
    public var format: String?
    /// Null sentinels that count as null for this column.
    public var nullSentinels: [String]
    /// The name the column gets in the output table.
    public var renameTo: String?
    /// The value used when the column is missing from a row.
    public var defaultValue: String?

    public init(name: String, type: DataType, nullable: Bool, format: String? = nil, nullSentinels: [String] = [],
                renameTo: String? = nil, defaultValue: String? = nil) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.format = format
        self.nullSentinels = nullSentinels
        self.renameTo = renameTo
        self.defaultValue = defaultValue
    }

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
        defaultValue = try c.decodeIfPresent(String.self, forKey: .defaultValue)
    }
}
