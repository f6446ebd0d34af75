import CasparianCore

/// What changed between two versions of a contract: outputs and columns
/// added or removed, and each changed field with its value before and after.
public struct ContractDiff: Codable, Sendable, Equatable {
    public struct Change: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable {
            case outputAdded = "output_added"
            case outputRemoved = "output_removed"
            case outputChanged = "output_changed"
            case columnAdded = "column_added"
            case columnRemoved = "column_removed"
            case columnChanged = "column_changed"
            case excludedFilesChanged = "excluded_files_changed"
        }

        public var kind: Kind
        public var output: String?
        public var column: String?
        /// For `*_changed`: the field (`type`, `nullable`, `mode`, …).
        public var field: String?
        public var before: String?
        public var after: String?

        /// One line for people.
        public var summary: String {
            let target = [output, column].compactMap { $0 }.joined(separator: ".")
            switch kind {
            case .outputAdded, .outputRemoved, .columnAdded, .columnRemoved:
                return "\(kind.rawValue) \(target)" + ((after ?? before).map { ": \($0)" } ?? "")
            case .outputChanged, .columnChanged, .excludedFilesChanged:
                return "\(kind.rawValue) \(target.isEmpty ? "" : target + " ")\(field ?? ""): \(before ?? "none") → \(after ?? "none")"
            }
        }
    }

    public var plugin: String
    public var fromVersion: Int
    public var toVersion: Int
    public var changes: [Change]

    enum CodingKeys: String, CodingKey {
        case plugin, changes
        case fromVersion = "from_version"
        case toVersion = "to_version"
    }

    public init(from a: SchemaContract, to b: SchemaContract) {
        plugin = b.plugin
        fromVersion = a.version
        toVersion = b.version
        var changes: [Change] = []
        for s in a.schemas where b.schema(for: s.output) == nil {
            changes.append(Change(kind: .outputRemoved, output: s.output, before: ContractDiff.describe(s)))
        }
        for s in b.schemas {
            guard let old = a.schema(for: s.output) else {
                changes.append(Change(kind: .outputAdded, output: s.output, after: ContractDiff.describe(s)))
                continue
            }
            let fields: [(String, String?, String?)] = [
                ("mode", old.mode.rawValue, s.mode.rawValue),
                ("source", old.source, s.source),
                (
                    "files", old.files.isEmpty ? nil : old.files.joined(separator: ", "),
                    s.files.isEmpty ? nil : s.files.joined(separator: ", ")
                ),
            ]
            for (field, before, after) in fields where before != after {
                changes.append(Change(kind: .outputChanged, output: s.output, field: field, before: before, after: after))
            }
            for c in old.columns where s.column(named: c.name) == nil {
                changes.append(Change(kind: .columnRemoved, output: s.output, column: c.name, before: ContractDiff.describe(c)))
            }
            for c in s.columns {
                guard let o = old.column(named: c.name) else {
                    changes.append(Change(kind: .columnAdded, output: s.output, column: c.name, after: ContractDiff.describe(c)))
                    continue
                }
                for (field, before, after) in ContractDiff.fields(o).enumerated().map({
                    ($0.element.0, $0.element.1, ContractDiff.fields(c)[$0.offset].1)
                })
                where before != after {
                    changes.append(
                        Change(kind: .columnChanged, output: s.output, column: c.name, field: field, before: before, after: after))
                }
            }
        }
        if a.excludedFiles != b.excludedFiles {
            changes.append(
                Change(
                    kind: .excludedFilesChanged, field: "excluded_files",
                    before: a.excludedFiles.isEmpty ? nil : a.excludedFiles.joined(separator: ", "),
                    after: b.excludedFiles.isEmpty ? nil : b.excludedFiles.joined(separator: ", ")))
        }
        self.changes = changes
    }

    static func fields(_ c: LockedColumn) -> [(String, String?)] {
        [
            ("type", c.type.rawValue), ("nullable", String(c.nullable)), ("format", c.format),
            ("null_sentinels", c.nullSentinels.isEmpty ? nil : c.nullSentinels.joined(separator: ", ")),
            ("rename_to", c.renameTo), ("default", c.defaultValue?.description),
        ]
    }

    static func describe(_ c: LockedColumn) -> String {
        c.type.rawValue + (c.format.map { " \($0)" } ?? "") + (c.nullable ? " nullable" : "")
            + (c.renameTo.map { " as \($0)" } ?? "") + (c.defaultValue.map { " default \($0.description)" } ?? "")
    }

    static func describe(_ s: LockedSchema) -> String {
        "\(s.columns.count) column\(s.columns.count == 1 ? "" : "s"), \(s.mode.rawValue)"
            + (s.source.map { ", rows of \($0)" } ?? "") + (s.files.isEmpty ? "" : " from \(s.files.joined(separator: ", "))")
    }
}
