import CasparianCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps tool paths inside the roots the server was started with.
///
/// A path is resolved against the first root when relative, then its real
/// path (symbolic links followed) must be a root or lie below one, compared
/// by whole components so `/data2` is not inside `/data`. NUL bytes are
/// refused before anything touches the file system.
public struct PathGuard: Sendable, Equatable {
    /// Real paths of the roots.
    public let roots: [String]

    /// `roots` must exist; each is resolved to its real path.
    public init(roots: [String]) throws {
        var real: [String] = []
        for r in roots {
            guard let p = PathGuard.realPath(r) else {
                throw CasparianError(.usage, "root \(r) does not exist or cannot be read", hint: "pass existing folders to --root")
            }
            real.append(p)
        }
        self.roots = real
    }

    /// The real path of `path` if it is allowed; a `usage` error saying why not otherwise.
    /// `mustExist: false` allows a path whose last components do not exist yet.
    public func resolve(_ path: String, mustExist: Bool = true) throws -> URL {
        let allowed = "allowed roots: \(roots.joined(separator: ", "))"
        guard !path.isEmpty else {
            throw CasparianError(.usage, "the path is empty", hint: "send a folder under one of the roots; \(allowed)")
        }
        guard !path.utf8.contains(0) else {
            throw CasparianError(.usage, "the path contains a NUL byte", hint: "send a plain path; \(allowed)")
        }
        let absolute = path.hasPrefix("/") ? path : (roots.first ?? FileManager.default.currentDirectoryPath) + "/" + path
        let lexical = PathGuard.normalise(absolute)
        guard inside(lexical) else {
            throw CasparianError(.usage, "\(path) is outside the allowed roots", hint: "use a path under a root; \(allowed)")
        }
        // Real path of the longest existing prefix, then the rest.
        var existing = lexical
        var rest: [String] = []
        var real = PathGuard.realPath(existing)
        while real == nil, existing != "/" {
            rest.insert((existing as NSString).lastPathComponent, at: 0)
            existing = (existing as NSString).deletingLastPathComponent
            real = PathGuard.realPath(existing)
        }
        if mustExist, !rest.isEmpty {
            throw CasparianError(
                .notFound, "\(path) does not exist", hint: "check the path with quick_scan on its parent folder; \(allowed)")
        }
        let resolved = ([real ?? "/"] + rest).joined(separator: "/").replacingOccurrences(of: "//", with: "/")
        guard inside(resolved) else {
            throw CasparianError(
                .usage, "\(path) resolves to \(resolved) (through a symbolic link), outside the allowed roots",
                hint: "use a path whose real location is under a root; \(allowed)")
        }
        return URL(fileURLWithPath: resolved)
    }

    /// True when `path` (absolute, normalised) is a root or below one.
    public func inside(_ path: String) -> Bool {
        roots.contains { root in root == "/" || path == root || path.hasPrefix(root + "/") }
    }

    /// Removes `.`, empty components and `..` (never above `/`).
    static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." {
                _ = parts.popLast()
                continue
            }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
