import CasparianCore

/// A person's answer to an open question about a column: the type (and,
/// for temporal text or grouped numbers, the format) to lock.
public struct ApprovalAnswer: Codable, Sendable, Equatable {
    public var type: DataType
    public var format: String?

    public init(type: DataType, format: String? = nil) {
        self.type = type
        self.format = format
    }

    /// Parses `TYPE[:FORMAT]` (`int64`, `date:%d/%m/%Y`, `int64:#,##0`; the
    /// format may itself contain colons).
    public init(argument: String) throws {
        let parts = argument.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let type = DataType(rawValue: String(parts[0])) else {
            throw CasparianError(
                .usage, "\"\(parts[0])\" is not a type (\(DataType.allCases.map(\.rawValue).joined(separator: ", ")))",
                hint: "write TYPE or TYPE:FORMAT, e.g. date:%d/%m/%Y")
        }
        self.type = type
        self.format = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
    }
}

/// Changes a person makes to one discovered column before locking it.
/// Unset fields keep what the discovery proved.
public struct ColumnOverride: Codable, Sendable, Equatable {
    public var type: DataType?
    public var nullable: Bool?
    public var format: String?
    public var renameTo: String?
    public var defaultValue: ColumnDefault?

    public init(
        type: DataType? = nil, nullable: Bool? = nil, format: String? = nil, renameTo: String? = nil, defaultValue: ColumnDefault? = nil
    ) {
        self.type = type
        self.nullable = nullable
        self.format = format
        self.renameTo = renameTo
        self.defaultValue = defaultValue
    }

    enum CodingKeys: String, CodingKey {
        case type, nullable, format
        case renameTo = "rename_to"
        case defaultValue = "default"
    }
}

/// Changes to one output as a whole.
public struct OutputOverride: Codable, Sendable, Equatable {
    /// The output table's name (a single-output discovery defaults to the plugin's name).
    public var name: String?
    public var mode: LockedSchema.Mode?

    public init(name: String? = nil, mode: LockedSchema.Mode? = nil) {
        self.name = name
        self.mode = mode
    }
}

/// Everything a person decided when approving a discovery.
///
/// Keys of `answers` and `columnOverrides` are `COLUMN` or `OUTPUT.COLUMN`
/// (needed only when two outputs have a column of that name); keys of
/// `outputOverrides` are discovered output names.
public struct ApprovalRequest: Codable, Sendable, Equatable {
    public var plugin: String
    public var answers: [String: ApprovalAnswer]
    public var columnOverrides: [String: ColumnOverride]
    public var outputOverrides: [String: OutputOverride]
    /// Paths or globs of files to leave out.
    public var excludedFiles: [String]
    public var approvedBy: String

    public init(
        plugin: String, answers: [String: ApprovalAnswer] = [:], columnOverrides: [String: ColumnOverride] = [:],
        outputOverrides: [String: OutputOverride] = [:], excludedFiles: [String] = [], approvedBy: String
    ) {
        self.plugin = plugin
        self.answers = answers
        self.columnOverrides = columnOverrides
        self.outputOverrides = outputOverrides
        self.excludedFiles = excludedFiles
        self.approvedBy = approvedBy
    }

    /// Adds `--answer COLUMN=TYPE[:FORMAT]` arguments.
    public mutating func addAnswers(_ arguments: [String]) throws {
        for a in arguments {
            guard let eq = a.firstIndex(of: "="), eq != a.startIndex else {
                throw CasparianError(.usage, "--answer \(a): expected COLUMN=TYPE[:FORMAT]", hint: "e.g. --answer date=date:%d/%m/%Y")
            }
            answers[String(a[..<eq])] = try ApprovalAnswer(argument: String(a[a.index(after: eq)...]))
        }
    }

    /// Adds `--override COLUMN.FIELD=VALUE` (fields: type, nullable, format,
    /// rename_to, default) and `--override OUTPUT.mode=strict|allow_extra`,
    /// `--override OUTPUT.name=TABLE`.
    public mutating func addOverrides(_ arguments: [String], outputs: Set<String>) throws {
        for a in arguments {
            guard let eq = a.firstIndex(of: "="), let dot = a[..<eq].lastIndex(of: ".") else {
                throw CasparianError(
                    .usage, "--override \(a): expected COLUMN.FIELD=VALUE",
                    hint: "fields: type, nullable, format, rename_to, default; or OUTPUT.mode=strict|allow_extra, OUTPUT.name=TABLE")
            }
            let target = String(a[..<dot])
            let field = String(a[a.index(after: dot)..<eq])
            let value = String(a[a.index(after: eq)...])
            if field == "mode" || field == "name" {
                guard outputs.contains(target) else {
                    throw CasparianError(
                        .usage, "--override \(a): \(target) is not an output of this discovery",
                        hint: "outputs: \(outputs.sorted().joined(separator: ", "))")
                }
                var o = outputOverrides[target] ?? OutputOverride()
                if field == "name" {
                    o.name = value
                } else {
                    guard let mode = LockedSchema.Mode(rawValue: value) else {
                        throw CasparianError(.usage, "--override \(a): mode is strict or allow_extra, not \(value)")
                    }
                    o.mode = mode
                }
                outputOverrides[target] = o
            } else {
                var o = columnOverrides[target] ?? ColumnOverride()
                try o.set(field: field, value: value, argument: a)
                columnOverrides[target] = o
            }
        }
    }
}

extension ColumnOverride {
    mutating func set(field: String, value: String, argument: String) throws {
        switch field {
        case "type":
            guard let t = DataType(rawValue: value) else {
                throw CasparianError(
                    .usage,
                    "--override \(argument): \"\(value)\" is not a type (\(DataType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            type = t
        case "nullable":
            guard let b = ["true": true, "false": false][value] else {
                throw CasparianError(.usage, "--override \(argument): nullable is true or false, not \(value)")
            }
            nullable = b
        case "format": format = value
        case "rename_to": renameTo = value
        case "default": defaultValue = ColumnDefault(argument: value)
        default:
            throw CasparianError(
                .usage, "--override \(argument): unknown field \(field)",
                hint: "fields: type, nullable, format, rename_to, default (and mode, name for an output)")
        }
    }
}
