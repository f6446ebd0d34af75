import CasparianCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with posix_spawn in its own process group, with
/// exactly the descriptors we give it.
struct SpawnedProcess {
    let pid: pid_t

    /// `fdMap` maps child fd → parent fd to dup into it. Everything else the
    /// host opened with O_CLOEXEC stays out of the child.
    static func spawn(
        executable: String, arguments: [String], fdMap: [(child: Int32, parent: Int32)],
        environment: [String: String]
    ) throws -> SpawnedProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (child, parent) in fdMap {
            posix_spawn_file_actions_adddup2(&actions, parent, child)
        }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for s in [SIGPIPE, SIGUSR1, SIGINT, SIGTERM, SIGCHLD] { sigaddset(&defaultSignals, s) }
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigdefault(&attr, &defaultSignals)
        posix_spawnattr_setsigmask(&attr, &noMask)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, argv, envp)
        guard rc == 0 else {
            throw CasparianError(
                .environment, "could not start worker \(executable): \(String(cString: strerror(rc)))",
                hint:
                    "casparian-worker is built beside casparian (`make build` or `make release`) and must stay next to it; or set CASPARIAN_WORKER_BINARY to its path"
            )
        }
        return SpawnedProcess(pid: pid)
    }
}

/// Serialises pipe creation and spawning: Glibc's Swift overlay has no
/// pipe2, so between pipe() and FD_CLOEXEC another spawn could inherit a
/// worker's pipe end, and that worker's death would then never reach EOF.
let spawnLock = NSLock()

/// A pipe whose ends are close-on-exec in the host (create under `spawnLock`).
struct Pipe2 {
    let read: Int32
    let write: Int32

    /// `capacity` asks the kernel for a larger pipe buffer (Linux's default
    /// is 64 KiB), so a worker writing whole row frames blocks and wakes the
    /// host less often; when refused (over `fs.pipe-max-size`) the default stays.
    init(capacity: Int? = nil) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw CasparianError(.environment, "pipe failed: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        #if os(Linux)
            if let capacity {
                let F_SETPIPE_SZ: Int32 = 1031  // <linux/fcntl.h>; Glibc's module does not export it
                _ = fcntl(fds[1], F_SETPIPE_SZ, Int32(capacity))
            }
        #endif
        read = fds[0]
        write = fds[1]
    }
}

/// How a child ended.
enum ExitStatus: Equatable {
    case exited(Int32)
    case signaled(Int32)

    /// Waits for the child (blocking) and decodes its status.
    static func wait(for pid: pid_t) -> ExitStatus {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .exited(-1) }
        }
        if status & 0x7f == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(status & 0x7f)
    }
}

/// Resident set size of a process, from /proc (0 if it is gone).
func residentBytes(of pid: pid_t) -> Int {
    let path = "/proc/\(pid)/statm"
    guard let f = fopen(path, "r") else { return 0 }
    defer { fclose(f) }
    var size = 0
    var resident = 0
    guard
        withUnsafeMutablePointer(
            to: &size,
            { s in
                withUnsafeMutablePointer(to: &resident) { r in
                    fscanfStatm(f, s, r)
                }
            })
    else { return 0 }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
}

private func fscanfStatm(_ f: UnsafeMutablePointer<FILE>, _ size: UnsafeMutablePointer<Int>, _ resident: UnsafeMutablePointer<Int>) -> Bool
{
    var buffer = [CChar](repeating: 0, count: 256)
    guard fgets(&buffer, 256, f) != nil else { return false }
    let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let parts = line.split(separator: " ")
    guard parts.count >= 2, let s = Int(parts[0]), let r = Int(parts[1]) else { return false }
    size.pointee = s
    resident.pointee = r
    return true
}
