import Foundation

/// How `casparian mcp` was started.
public struct ServerConfiguration: Sendable, Equatable {
    /// Folders tools may read (default: the current directory).
    public var roots: [String]
    /// Plugin folders live here (default: `plugins/` in the workspace's folder).
    public var pluginsDirectory: String?
    /// The folder holding (or to hold) `.casparian/` (default: found from the current directory).
    public var workspaceDirectory: String?
    /// The Python that runs plugins (default: as the CLI resolves it).
    public var python: String?
    /// How long a long tool waits for its run before returning a `run_id` to poll.
    public var waitBudget: Duration
    /// Worker processes at most.
    public var workers: Int

    public init(
        roots: [String] = [], pluginsDirectory: String? = nil, workspaceDirectory: String? = nil, python: String? = nil,
        waitBudget: Duration = .seconds(25), workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.roots = roots
        self.pluginsDirectory = pluginsDirectory
        self.workspaceDirectory = workspaceDirectory
        self.python = python
        self.waitBudget = waitBudget
        self.workers = workers
    }
}
