import CasparianCore
import Catalog

/// A scope's include/exclude/tags filters, compiled.
///
/// A file is in the scope when it matches any include rule (every file when
/// there are none), carries at least one of `tags` (when there are any), and
/// matches no exclude rule. Rules are globs relative to the root
/// (`GlobPattern`) or `tag:NAME`.
public struct ScopeFilter: Sendable {
    enum Rule: Sendable {
        case glob(GlobPattern)
        case tag(String)

        func matches(_ path: String, _ tags: Set<String>) -> Bool {
            switch self {
            case .glob(let g): return g.matches(path)
            case .tag(let t): return tags.contains(t)
            }
        }
    }

    let include: [Rule]
    let exclude: [Rule]
    let tags: Set<String>

    /// Compiles the filters; a malformed glob or tag is a `usage` error.
    public init(_ definition: ScopeDefinition) throws {
        include = try definition.include.map { try ScopeFilter.rule($0, option: "--include") }
        exclude = try definition.exclude.map { try ScopeFilter.rule($0, option: "--exclude") }
        for t in definition.tags { try Catalog.checkTag(t) }
        tags = Set(definition.tags)
    }

    /// True when some rule depends on tags (so tags must be looked up).
    public var usesTags: Bool {
        !tags.isEmpty || (include + exclude).contains { if case .tag = $0 { return true } else { return false } }
    }

    public func admits(_ relativePath: String, tags fileTags: Set<String>) -> Bool {
        if !include.isEmpty, !include.contains(where: { $0.matches(relativePath, fileTags) }) { return false }
        if !tags.isEmpty, tags.isDisjoint(with: fileTags) { return false }
        return !exclude.contains { $0.matches(relativePath, fileTags) }
    }

    private static func rule(_ text: String, option: String) throws -> Rule {
        if text.hasPrefix("tag:") {
            let tag = String(text.dropFirst(4))
            try Catalog.checkTag(tag)
            return .tag(tag)
        }
        do {
            return .glob(try GlobPattern(text))
        } catch var e as CasparianError {
            e.message = "\(option) \(e.message)"
            throw e
        }
    }
}
