import Foundation

/// What defines a scope: a root folder and filters.
public struct ScopeDefinition: Sendable, Equatable, Codable {
    public var name: String
    /// Absolute, symlink-free path of the root folder.
    public var root: String
    /// Globs (relative to the root) or `tag:NAME`; a file is in the scope when
    /// it matches any of them (all files when empty).
    public var include: [String]
    /// Globs or `tag:NAME`; a file matching any of them is left out.
    public var exclude: [String]
    /// When not empty, a file must carry at least one of these tags.
    public var tags: [String]
    public var includeHidden: Bool

    public init(
        name: String, root: String, include: [String] = [], exclude: [String] = [], tags: [String] = [], includeHidden: Bool = false
    ) {
        self.name = name
        self.root = root
        self.include = include
        self.exclude = exclude
        self.tags = tags
        self.includeHidden = includeHidden
    }

    enum CodingKeys: String, CodingKey {
        case name, root, include, exclude, tags
        case includeHidden = "include_hidden"
    }
}

/// A scope as the catalog keeps it.
public struct StoredScope: Sendable, Equatable, Codable {
    public var id: String
    public var definition: ScopeDefinition
    public var createdAt: String
    public var refreshedAt: String?
    public var fileCount: Int
    public var bytes: Int64

    enum CodingKeys: String, CodingKey {
        case id, definition
        case createdAt = "created_at"
        case refreshedAt = "refreshed_at"
        case fileCount = "file_count"
        case bytes
    }
}

/// A file found on disk (absolute path).
public struct FoundFile: Sendable, Equatable {
    public var path: String
    public var size: Int64
    public var mtime: Double

    public init(path: String, size: Int64, mtime: Double) {
        self.path = path
        self.size = size
        self.mtime = mtime
    }
}

/// A file of a scope, as of the scope's last refresh.
public struct ScopeFile: Sendable, Equatable, Codable {
    public var fileID: Int64
    public var path: String
    public var size: Int64
    public var mtime: Double
    /// Set once computed (`Catalog.contentHash`); cleared when the file changes.
    public var contentHash: String?

    enum CodingKeys: String, CodingKey {
        case fileID = "file_id"
        case path, size, mtime
        case contentHash = "content_hash"
    }
}

/// How a scope's file list changed.
public struct ScopeChanges: Sendable, Equatable, Codable {
    public var added: [String] = []
    /// Files whose size or modification time differ from the last refresh.
    public var changed: [String] = []
    public var removed: [String] = []
    public var unchanged = 0

    public init() {}

    public var isEmpty: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty }
}
