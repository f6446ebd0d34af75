import CasparianCore
import Catalog
import Foundation

/// Which files `casparian files --status` keeps.
public enum FileStatusFilter: String, Sendable, CaseIterable {
    /// A last result is `ok`, `failed` or `quarantined`.
    case ok, failed, quarantined
    /// No result yet (under `--plugin` when given).
    case untested
    /// On the dead-letter list: retries ran out (under `--plugin` when given).
    case dead
}

extension Workspace {
    /// The catalog's files with their tags and last result per plugin:
    /// those of `scope` (name or id), with `tag`, run by `plugin`, in a
    /// `status` — each filter only when given.
    public func files(scope: String? = nil, tag: String? = nil, status: FileStatusFilter? = nil, plugin: String? = nil) throws -> [FileView]
    {
        let scopeID = try scope.map { try resolveScope($0).id }
        if let tag { try Catalog.checkTag(tag) }
        let views = try catalog.fileViews(scopeID: scopeID, tag: tag, plugin: plugin)
        guard let status else { return views }
        return views.filter { v in
            switch status {
            case .untested: return v.results.isEmpty
            case .ok: return v.results.contains { $0.status == .ok }
            case .failed: return v.results.contains { $0.status == .failed }
            case .quarantined: return v.results.contains { $0.status == .quarantined }
            case .dead: return !v.deadLetters.isEmpty
            }
        }
    }
}
