/// What a walk of a folder tree visits.
public struct WalkOptions: Sendable, Equatable {
    /// Visit entries whose name starts with `.` (`.git` stays skipped unless
    /// it is removed from `skippedNames`).
    public var includeHidden: Bool
    /// Folder and file names never visited.
    public var skippedNames: Set<String>
    /// Follow symbolic links whose target lies inside the root. Links out of
    /// the root are never followed; folders are visited once each (by
    /// device and inode), so links cannot loop.
    public var followLinksWithinRoot: Bool
    /// Stop after this many entries (files and folders) and flag the result
    /// as truncated.
    public var maxEntries: Int
    /// Stop when this instant passes (checked every 1,024 entries) and flag
    /// the result as truncated by time: a caller that must answer within a
    /// window (an MCP tool) gets partial figures rather than none.
    public var deadline: ContinuousClock.Instant?

    public static let defaultSkippedNames: Set<String> = [".git", "node_modules"]

    public init(
        includeHidden: Bool = false, skippedNames: Set<String> = WalkOptions.defaultSkippedNames,
        followLinksWithinRoot: Bool = false, maxEntries: Int = 5_000_000, deadline: ContinuousClock.Instant? = nil
    ) {
        self.includeHidden = includeHidden
        self.skippedNames = skippedNames
        self.followLinksWithinRoot = followLinksWithinRoot
        self.maxEntries = maxEntries
        self.deadline = deadline
    }
}

/// A folder or file the walk could not read, with the system's reason.
public struct UnreadableEntry: Sendable, Equatable, Codable {
    /// The path relative to the root (`.` for the root itself).
    public var path: String
    public var error: String

    public init(path: String, error: String) {
        self.path = path
        self.error = error
    }
}

/// What a walk skipped or could not do, besides the files it visited.
public struct WalkSummary: Sendable, Equatable, Codable {
    public var directories = 0
    /// Hidden entries and skipped names not visited.
    public var skippedEntries = 0
    /// Symbolic links not followed (all of them unless following is on).
    public var symlinksNotFollowed = 0
    /// Symbolic links whose target is outside the root (never followed).
    public var linksOutsideRoot = 0
    /// Folders reached a second time (through a link or a bind mount) and not re-visited.
    public var revisitsAvoided = 0
    public var unreadable: [UnreadableEntry] = []
    public var truncated = false
    /// The walk stopped at its deadline (`truncated` is then true too).
    public var timedOut = false

    enum CodingKeys: String, CodingKey {
        case directories
        case skippedEntries = "skipped_entries"
        case symlinksNotFollowed = "symlinks_not_followed"
        case linksOutsideRoot = "links_outside_root"
        case revisitsAvoided = "revisits_avoided"
        case unreadable, truncated
        case timedOut = "timed_out"
    }
}
