import CasparianCore
import Foundation

/// One regular file the walk found. `name` points into the directory
/// entry and is valid only during the visit.
public struct WalkedFile {
    /// The containing folder relative to the root ("" for the root).
    public let folder: String
    /// The first path component under the root ("" for files in the root).
    public let topFolder: String
    public let name: UnsafeBufferPointer<UInt8>
    public let size: Int64
    /// Modification time, seconds since 1970 with nanoseconds.
    public let mtime: Double

    public var nameString: String { String(decoding: name, as: UTF8.self) }

    /// The path relative to the root, `/`-separated.
    public var relativePath: String { folder.isEmpty ? nameString : folder + "/" + nameString }
}

/// Walks a folder tree with `open`/`readdir`/`fstatat`, reading metadata
/// only (never file contents) and holding one directory open at a time.
public struct TreeWalker: Sendable {
    public var root: URL
    public var options: WalkOptions

    public init(root: URL, options: WalkOptions = WalkOptions()) {
        self.root = root
        self.options = options
    }

    private struct Pending {
        var path: String
        var relative: String
        var top: String
        /// Open with O_NOFOLLOW: the entry was a folder, not a link, when read.
        var noFollow = true
    }

    /// Calls `visit` for each regular file; returns what else it met.
    /// Throws only when the root itself is missing or not a folder.
    public func walk(_ visit: (WalkedFile) -> Void) throws -> WalkSummary {
        let rootPath = root.standardizedFileURL.path
        var st = stat()
        guard stat(rootPath, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            throw CasparianError(.notFound, "cannot scan \(rootPath): \(reason)", hint: "check the path; pass an existing folder")
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            throw CasparianError(.usage, "\(rootPath) is not a folder", hint: "pass the folder that contains the files")
        }
        let realRoot = TreeWalker.realPath(rootPath) ?? rootPath
        var summary = WalkSummary()
        var visited = Set<DeviceInode>()
        var stack = [Pending(path: rootPath, relative: "", top: "", noFollow: false)]
        var entries = 0
        let skipped = Set(options.skippedNames.map { Array($0.utf8) })

        while let dir = stack.popLast() {
            let fd = open(dir.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (dir.noFollow ? O_NOFOLLOW : 0))
            guard fd >= 0 else {
                summary.unreadable.append(
                    UnreadableEntry(path: dir.relative.isEmpty ? "." : dir.relative, error: String(cString: strerror(errno))))
                continue
            }
            var dst = stat()
            fstat(fd, &dst)
            guard visited.insert(DeviceInode(dst)).inserted else {
                close(fd)
                summary.revisitsAvoided += 1
                continue
            }
            guard let handle = fdopendir(fd) else {
                summary.unreadable.append(
                    UnreadableEntry(path: dir.relative.isEmpty ? "." : dir.relative, error: String(cString: strerror(errno))))
                close(fd)
                continue
            }
            summary.directories += 1
            let prefix = dir.relative.isEmpty ? "" : dir.relative + "/"
            while let entry = readdir(handle) {
                let done: Bool = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                    let bytes = raw.bindMemory(to: UInt8.self)
                    let length = strnlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)
                    let name = UnsafeBufferPointer(rebasing: bytes[0..<length])
                    if name.count == 1 && name[0] == 0x2E || name.count == 2 && name[0] == 0x2E && name[1] == 0x2E { return false }
                    if (!options.includeHidden && name[0] == 0x2E) || skipped.contains(Array(name)) {
                        summary.skippedEntries += 1
                        return false
                    }
                    entries += 1
                    if entries > options.maxEntries {
                        summary.truncated = true
                        return true
                    }
                    if entries & 1023 == 0, let deadline = options.deadline, ContinuousClock.now >= deadline {
                        summary.truncated = true
                        summary.timedOut = true
                        return true
                    }
                    var est = stat()
                    guard fstatat(dirfd(handle), raw.baseAddress!.assumingMemoryBound(to: CChar.self), &est, AT_SYMLINK_NOFOLLOW) == 0
                    else {
                        summary.unreadable.append(
                            UnreadableEntry(path: prefix + String(decoding: name, as: UTF8.self), error: String(cString: strerror(errno))))
                        return false
                    }
                    switch est.st_mode & S_IFMT {
                    case S_IFREG:
                        visit(
                            WalkedFile(
                                folder: dir.relative, topFolder: dir.top, name: name, size: Int64(est.st_size),
                                mtime: Double(est.st_mtim.tv_sec) + Double(est.st_mtim.tv_nsec) / 1e9))
                    case S_IFDIR:
                        let n = String(decoding: name, as: UTF8.self)
                        stack.append(Pending(path: dir.path + "/" + n, relative: prefix + n, top: dir.top.isEmpty ? n : dir.top))
                    case S_IFLNK:
                        let n = String(decoding: name, as: UTF8.self)
                        followLink(
                            Pending(path: dir.path + "/" + n, relative: prefix + n, top: dir.top.isEmpty ? n : dir.top),
                            realRoot: realRoot, summary: &summary, stack: &stack, visit: visit)
                    default:
                        break  // sockets, fifos, devices: not data files
                    }
                    return false
                }
                if done { break }
            }
            closedir(handle)
            if summary.truncated { break }
        }
        return summary
    }

    /// Follows a link when allowed and its target stays inside the root.
    private func followLink(
        _ link: Pending, realRoot: String, summary: inout WalkSummary, stack: inout [Pending],
        visit: (WalkedFile) -> Void
    ) {
        guard let target = TreeWalker.realPath(link.path) else {
            summary.symlinksNotFollowed += 1  // dangling
            return
        }
        guard target == realRoot || target.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") else {
            summary.linksOutsideRoot += 1
            summary.symlinksNotFollowed += 1
            return
        }
        guard options.followLinksWithinRoot else {
            summary.symlinksNotFollowed += 1
            return
        }
        var st = stat()
        guard stat(target, &st) == 0 else { return }
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
            stack.append(Pending(path: target, relative: link.relative, top: link.top, noFollow: false))
        case S_IFREG:
            let name = Array((link.relative.split(separator: "/").last.map(String.init) ?? link.relative).utf8)
            let folder = link.relative.split(separator: "/").dropLast().joined(separator: "/")
            let top = folder.isEmpty ? "" : link.top
            name.withUnsafeBufferPointer { buf in
                visit(
                    WalkedFile(
                        folder: folder, topFolder: top, name: buf, size: Int64(st.st_size),
                        mtime: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9))
            }
        default: break
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}

/// A folder's identity, to visit it once however it is reached.
struct DeviceInode: Hashable {
    var device: UInt64
    var inode: UInt64
    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }
}
