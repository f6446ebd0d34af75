import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Finds and ends the processes a plugin started, wherever they went: a
/// process that called `setsid()` has left the worker's process group, so
/// killing the group misses it.
///
/// A worker is a child subreaper (`PR_SET_CHILD_SUBREAPER`), so while it
/// lives everything below it stays below it, orphans included, and is found
/// through `/proc/PID/task/TID/children`. Once it has died its orphans belong
/// to init; they are found by the environment variable every worker's
/// process tree inherits (`marker`).
public enum ProcessTree {
    /// The variable a host sets in each worker's environment, with a value
    /// of its own per worker.
    public static let markerVariable = "CASPARIAN_WORKER_MARK"

    /// The direct children of `pid` (of all its threads).
    static func children(of pid: pid_t) -> [pid_t] {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return [] }
        var out: [pid_t] = []
        for task in tasks {
            guard let bytes = read("/proc/\(pid)/task/\(task)/children") else { continue }
            out += bytes.split(separator: UInt8(ascii: " ")).compactMap { pid_t(String(decoding: $0, as: UTF8.self)) }
        }
        return out
    }

    /// Whether `pid` runs (exists and is not a zombie).
    public static func isRunning(_ pid: pid_t) -> Bool {
        // Field 3, after the parenthesised name, is the state.
        guard let stat = read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: UInt8(ascii: ")")),
            close + 2 < stat.count
        else { return false }
        let state = stat[close + 2]
        return state != UInt8(ascii: "Z") && state != UInt8(ascii: "X")
    }

    /// SIGKILLs every running process below `pid`, parents before their
    /// children (a killed process forks no more), in rounds until none is
    /// left: the children of a killed process move up to the subreaper.
    public static func killDescendants(of pid: pid_t) {
        for _ in 0..<8 {
            var found = false
            var queue = children(of: pid)
            var seen = Set<pid_t>()
            while let p = queue.popLast() {
                guard seen.insert(p).inserted else { continue }
                if isRunning(p) {
                    found = true
                    kill(p, SIGKILL)
                }
                queue += children(of: p)
            }
            if !found { return }
        }
    }

    /// SIGKILLs every running process whose environment carries
    /// `markerVariable=mark`: what is left of a worker's tree after the
    /// worker itself died. (A process that replaced its environment with
    /// `exec` escapes; one that merely changed `os.environ` does not.)
    public static func killMarked(_ mark: String) {
        let needle = Array("\(markerVariable)=\(mark)\0".utf8)
        let me = getpid()
        for _ in 0..<4 {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
            var found = false
            for entry in entries {
                guard let pid = pid_t(entry), pid != me,
                    let environ = read("/proc/\(pid)/environ"),
                    contains(environ, needle), isRunning(pid)
                else { continue }
                found = true
                kill(pid, SIGKILL)
            }
            if !found { return }
        }
    }

    /// Whether the NUL-separated `environ` holds the entry `needle` (which ends in its NUL).
    private static func contains(_ environ: [UInt8], _ needle: [UInt8]) -> Bool {
        var start = 0
        while start + needle.count <= environ.count {
            if environ[start..<(start + needle.count)].elementsEqual(needle) { return true }
            guard let nul = environ[start...].firstIndex(of: 0) else { return false }
            start = nul + 1
        }
        return false
    }

    /// A /proc file's bytes (their size is not known before reading).
    private static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return out
    }
}
