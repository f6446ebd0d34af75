import CasparianCore
import Catalog
import Foundation

/// A scope after create or refresh: the scope, what changed, and what the
/// walk met (unreadable folders, skipped entries).
public struct ScopeReport: Sendable, Equatable, Codable {
    public var scope: StoredScope
    public var changes: ScopeChanges
    public var walk: WalkSummary
}

/// Tagging outcome.
public struct TagReport: Sendable, Equatable, Codable {
    public var tag: String
    /// Files that got (or lost) the tag.
    public var files: Int
    public var paths: [String]
}

extension Workspace {
    /// Creates a named file set: walks `definition.root` (metadata only),
    /// keeps the files the filters admit and stores them in the catalog.
    /// The root is stored as an absolute, symlink-free path. With
    /// `requireFiles`, a definition that admits no file is refused and
    /// nothing is stored (a misspelt glob must not take the name).
    public func createScope(_ definition: ScopeDefinition, requireFiles: Bool = false) throws -> ScopeReport {
        try Self.checkScopeName(definition.name)
        var d = definition
        d.root = try Self.resolveRoot(definition.root)
        let filter = try ScopeFilter(d)
        if (try? catalog.scope(named: d.name)) != nil {
            throw CasparianError(
                .conflict, "a scope named \(d.name) already exists",
                hint: "pick another name, or update it with `casparian scope refresh \(d.name)`")
        }
        let (files, walk) = try findFiles(d, filter: filter)
        if requireFiles, files.isEmpty {
            let globs =
                (d.include.isEmpty ? "" : " include \(d.include.joined(separator: ", "))")
                + (d.exclude.isEmpty ? "" : " exclude \(d.exclude.joined(separator: ", "))")
                + (d.tags.isEmpty ? "" : " tags \(d.tags.joined(separator: ", "))")
            throw CasparianError(
                .notFound,
                "no file under \(d.root) matches\(globs.isEmpty ? " (the folder holds no file)" : globs); the scope \(d.name) was not created",
                hint: "globs are relative to the path (e.g. **/*.csv for CSV files in every subfolder); check the path and the globs")
        }
        let (scope, changes) = try catalog.createScope(d, files: files)
        return ScopeReport(scope: scope, changes: changes, walk: walk)
    }

    /// Walks the scope's root again and reports files added, changed (size
    /// or mtime) and removed since the last refresh.
    public func refreshScope(named name: String) throws -> ScopeReport {
        let scope = try catalog.scope(named: name)
        var d = scope.definition
        d.root = try Self.resolveRoot(d.root)
        let (files, walk) = try findFiles(d, filter: try ScopeFilter(d))
        let changes = try catalog.refreshScope(id: scope.id, files: files)
        return ScopeReport(scope: try catalog.scope(named: name), changes: changes, walk: walk)
    }

    /// Creates the scope, or refreshes it when one of that name exists
    /// with the same definition (`refreshed` says which); a scope of that
    /// name with another definition is a conflict.
    /// `requireFiles` refuses to create a scope that admits no file.
    public func applyScope(_ definition: ScopeDefinition, requireFiles: Bool = false) throws -> (report: ScopeReport, refreshed: Bool) {
        guard let existing = try? catalog.scope(named: definition.name) else {
            return (try createScope(definition, requireFiles: requireFiles), false)
        }
        let root = try Self.resolveRoot(definition.root)
        var asked = definition
        asked.root = existing.definition.root
        guard existing.definition == asked, existing.definition.root == root else {
            throw CasparianError(
                .conflict,
                "a scope named \(definition.name) already exists with another definition (root \(existing.definition.root), include \(existing.definition.include))",
                hint: "pick another name, or apply exactly the same path, include, exclude and tags to refresh it")
        }
        return (try refreshScope(named: definition.name), true)
    }

    public func scopes() throws -> [StoredScope] { try catalog.scopes() }

    /// The paths of the scope's files as of its last refresh.
    public func scopeFilePaths(_ scope: StoredScope) throws -> [String] {
        try catalog.scopeFilePaths(scopeID: scope.id)
    }

    public func scope(named name: String) throws -> StoredScope { try catalog.scope(named: name) }

    /// The scope's files as of its last refresh.
    public func scopeFiles(named name: String) throws -> [ScopeFile] {
        try catalog.scopeFiles(scopeID: catalog.scope(named: name).id)
    }

    /// Tags files: each path is a file (added to the catalog if new) or a
    /// folder (every catalog file under it).
    public func tag(paths: [String], tag: String) throws -> TagReport {
        try Catalog.checkTag(tag)
        let files = try resolveTagTargets(paths, forUntag: false)
        let n = try catalog.tag(files, with: tag)
        return TagReport(tag: tag, files: n, paths: files.map(\.path))
    }

    /// Removes a tag from files (paths as for `tag`).
    public func untag(paths: [String], tag: String) throws -> TagReport {
        try Catalog.checkTag(tag)
        let files = try resolveTagTargets(paths, forUntag: true)
        let n = try catalog.untag(paths: files.map(\.path), tag: tag)
        return TagReport(tag: tag, files: n, paths: files.map(\.path))
    }

    private func findFiles(_ d: ScopeDefinition, filter: ScopeFilter) throws -> ([FoundFile], WalkSummary) {
        let tags = filter.usesTags ? try catalog.tagsByPath(under: d.root) : [:]
        var files: [FoundFile] = []
        let prefix = d.root == "/" ? "/" : d.root + "/"
        let walk = try TreeWalker(root: URL(fileURLWithPath: d.root), options: WalkOptions(includeHidden: d.includeHidden)).walk { f in
            let relative = f.relativePath
            let path = prefix + relative
            if filter.admits(relative, tags: tags[path] ?? []) {
                files.append(FoundFile(path: path, size: f.size, mtime: f.mtime))
            }
        }
        return (files, walk)
    }

    private func resolveTagTargets(_ paths: [String], forUntag: Bool) throws -> [FoundFile] {
        var out: [FoundFile] = []
        for p in paths {
            let absolute = URL(fileURLWithPath: p).standardizedFileURL.path
            guard let real = TreeWalker.realPath(absolute) else {
                if forUntag {
                    out.append(FoundFile(path: absolute, size: 0, mtime: 0))
                    continue
                }
                throw CasparianError(.notFound, "\(p) does not exist", hint: "tag files that exist, or a folder whose files a scope holds")
            }
            var st = stat()
            stat(real, &st)
            if (st.st_mode & S_IFMT) == S_IFDIR {
                let known = try catalog.knownFiles(under: real)
                guard !known.isEmpty else {
                    throw CasparianError(
                        .notFound, "the catalog knows no files under \(p)",
                        hint: "create a scope over it first (`casparian scope create NAME --root \(p)`), or tag files one by one")
                }
                out += known
            } else {
                out.append(
                    FoundFile(path: real, size: Int64(st.st_size), mtime: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9))
            }
        }
        return out
    }

    static func resolveRoot(_ root: String) throws -> String {
        let absolute = URL(fileURLWithPath: root).standardizedFileURL.path
        guard let real = TreeWalker.realPath(absolute) else {
            throw CasparianError(
                .notFound, "the scope root \(root) does not exist",
                hint: "pass an existing folder with --root (the folder that holds the files)")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDir), isDir.boolValue else {
            throw CasparianError(
                .usage, "the scope root \(root) is a file, not a folder",
                hint: "pass the folder that holds the files with --root, and narrow with --include GLOB")
        }
        return real
    }

    static func checkScopeName(_ name: String) throws {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        let ok =
            !name.isEmpty && name.count <= 64 && !name.hasPrefix("-") && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { allowed.contains($0) }
        guard ok else {
            throw CasparianError(
                .usage, "invalid scope name \"\(name)\"",
                hint: "use letters, digits, -, _ or . (up to 64, not starting with - or .), e.g. sales-2024")
        }
    }
}
