/// What a quick scan found: metadata only (no file contents were read).
/// The MCP `quick_scan` tool returns this as it encodes (snake_case keys).
public struct ScanReport: Sendable, Equatable, Codable {
    public var root: String
    public var fileCount: Int
    public var bytes: Int64
    /// By lowercased extension (`(none)` for files without one), most files first.
    public var byExtension: [Group]
    /// By first folder under the root (`.` for files in the root itself), most bytes first.
    public var byFolder: [Group]
    /// By size bucket, smallest bucket first (empty buckets included).
    public var bySize: [SizeBucket]
    public var largest: [FileInfo]
    public var newest: [FileInfo]
    public var oldest: [FileInfo]
    /// Folders (and entries) that could not be read, with the system's reason.
    public var unreadable: [UnreadableEntry]
    /// True when the entry cap stopped the scan early.
    public var truncated: Bool
    public var walk: WalkSummary
    public var durationMs: Int
    /// Files and bytes by format recognised from each file's first bytes
    /// (`scan --formats`); nil when not asked.
    public var byFormat: [Group]? = nil

    public struct Group: Sendable, Equatable, Codable {
        public var name: String
        public var files: Int
        public var bytes: Int64
    }

    public struct SizeBucket: Sendable, Equatable, Codable {
        public var label: String
        /// Smallest size in the bucket, inclusive.
        public var minBytes: Int64
        /// Largest size, exclusive; nil for the last bucket.
        public var maxBytes: Int64?
        public var files: Int
        public var bytes: Int64

        enum CodingKeys: String, CodingKey {
            case label, files, bytes
            case minBytes = "min_bytes"
            case maxBytes = "max_bytes"
        }
    }

    public struct FileInfo: Sendable, Equatable, Codable {
        /// Relative to the root.
        public var path: String
        public var size: Int64
        /// ISO 8601, UTC.
        public var modified: String
    }

    enum CodingKeys: String, CodingKey {
        case root, bytes, largest, newest, oldest, unreadable, truncated, walk
        case fileCount = "file_count"
        case byExtension = "by_extension"
        case byFolder = "by_folder"
        case bySize = "by_size"
        case durationMs = "duration_ms"
        case byFormat = "by_format"
    }
}
