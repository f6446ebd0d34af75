import CasparianCore
import Foundation

/// An approved schema: parser output must match it, and it changes only
/// through approved amendments, each making a new version.
///
/// `id` stays the same across versions; `(id, version)` names one version.
/// Files matching `excludedFiles` (paths or `GlobPattern`s) are left out of
/// backtests and execution.
public struct SchemaContract: Codable, Sendable, Equatable {
    public var id: String
    public var plugin: String
    public var scope: String?
    public var version: Int
    public var approvedAt: Date
    public var approvedBy: String
    public var schemas: [LockedSchema]
    public var excludedFiles: [String]
    /// The discovery this contract was first approved from, when known.
    public var discoveryID: String?

    public init(
        id: String, plugin: String, scope: String?, version: Int, approvedAt: Date, approvedBy: String,
        schemas: [LockedSchema], excludedFiles: [String] = [], discoveryID: String? = nil
    ) {
        self.id = id
        self.plugin = plugin
        self.scope = scope
        self.version = version
        self.approvedAt = approvedAt
        self.approvedBy = approvedBy
        self.schemas = schemas
        self.excludedFiles = excludedFiles
        self.discoveryID = discoveryID
    }

    /// The schema whose output table is `output`.
    public func schema(for output: String) -> LockedSchema? {
        schemas.first { $0.output == output }
    }

    /// The schema that rows of plugin output `output` from `file` must match:
    /// a schema restricted to files matching `file` wins over the unrestricted
    /// one (that is how a split sends some files' rows to their own table).
    public func schema(forPluginOutput output: String, file: String) -> LockedSchema? {
        let candidates = schemas.filter { $0.pluginOutput == output }
        if let specific = candidates.first(where: { !$0.files.isEmpty && $0.files.contains { SchemaContract.glob($0, matches: file) } }) {
            return specific
        }
        return candidates.first { $0.files.isEmpty }
    }

    /// True when `file` matches one of `excludedFiles`. With `root` (the
    /// scope's or corpus's folder), a pattern is also matched against the
    /// path relative to it: that is how `./page.csv` — a file relative to
    /// the root, as approval excludes what discovery skipped — names the
    /// same file on every checkout.
    public func excludes(file: String, root: String? = nil) -> Bool {
        guard !excludedFiles.isEmpty else { return false }
        let relative = root.flatMap { SchemaContract.relativePath(file, to: $0) }
        return excludedFiles.contains { pattern in
            SchemaContract.glob(pattern, matches: file) || relative.map { SchemaContract.glob(pattern, matches: $0) } == true
        }
    }

    /// A pattern is a `GlobPattern` (anchored when it has a `/`, a leading
    /// `/` or `./` ignored) or, when it is not a valid glob, an exact path.
    static func glob(_ pattern: String, matches file: String) -> Bool {
        if pattern == file { return true }
        let anchored = pattern.hasPrefix("./") ? String(pattern.dropFirst()) : pattern
        guard let glob = try? GlobPattern(anchored) else { return false }
        return glob.matches(file.hasPrefix("/") ? String(file.dropFirst()) : file)
    }

    /// `file` relative to the folder `root`, or nil when it is not inside it.
    public static func relativePath(_ file: String, to root: String) -> String? {
        let folder = root.hasSuffix("/") ? root : root + "/"
        return file.hasPrefix(folder) ? String(file.dropFirst(folder.count)) : nil
    }

    /// The pattern that excludes exactly the file at `path` relative to a
    /// scope's root: `./` (anchored at the root) and glob characters escaped.
    public static func exclusionPattern(relativePath path: String) -> String {
        var escaped = ""
        for c in path {
            if "*?[]{}\\".contains(c) { escaped.append("\\") }
            escaped.append(c)
        }
        return "./" + escaped
    }

    enum CodingKeys: String, CodingKey {
        case id, plugin, scope, version, schemas
        case approvedAt = "approved_at"
        case approvedBy = "approved_by"
        case excludedFiles = "excluded_files"
        case discoveryID = "discovery_id"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        plugin = try c.decode(String.self, forKey: .plugin)
        scope = try c.decodeIfPresent(String.self, forKey: .scope)
        version = try c.decode(Int.self, forKey: .version)
        approvedAt = try c.decode(Date.self, forKey: .approvedAt)
        approvedBy = try c.decode(String.self, forKey: .approvedBy)
        schemas = try c.decode([LockedSchema].self, forKey: .schemas)
        excludedFiles = try c.decodeIfPresent([String].self, forKey: .excludedFiles) ?? []
        discoveryID = try c.decodeIfPresent(String.self, forKey: .discoveryID)
    }
}

/// The locked columns of one output table.
public struct LockedSchema: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// Every column must be present, and no others.
        case strict
        /// Extra columns are allowed (and ignored).
        case allowExtra = "allow_extra"
    }

    /// The output table's name.
    public var output: String
    public var mode: Mode
    public var columns: [LockedColumn]
    /// The plugin output whose rows this schema takes, when it differs from
    /// `output` (a split schema takes rows of another output's files).
    public var source: String?
    /// Glob patterns: when not empty, only rows from matching files belong here.
    public var files: [String]

    public init(output: String, mode: Mode = .strict, columns: [LockedColumn], source: String? = nil, files: [String] = []) {
        self.output = output
        self.mode = mode
        self.columns = columns
        self.source = source
        self.files = files
    }

    /// The plugin output this schema reads: `source`, else `output`.
    public var pluginOutput: String { source ?? output }

    public func column(named name: String) -> LockedColumn? {
        columns.first { $0.name == name }
    }

    enum CodingKeys: String, CodingKey {
        case output, mode, columns, source, files
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        output = try c.decode(String.self, forKey: .output)
        mode = try c.decodeIfPresent(Mode.self, forKey: .mode) ?? .strict
        columns = try c.decode([LockedColumn].self, forKey: .columns)
        source = try c.decodeIfPresent(String.self, forKey: .source)
        files = try c.decodeIfPresent([String].self, forKey: .files) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(output, forKey: .output)
        try c.encode(mode, forKey: .mode)
        try c.encode(columns, forKey: .columns)
        try c.encodeIfPresent(source, forKey: .source)
        if !files.isEmpty { try c.encode(files, forKey: .files) }
    }
}
