import CasparianCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file's bytes as they are on disk, through a file descriptor.
final class FileSource: ByteSource {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CasparianError.cannotRead(path, errno: errno) }
    }

    deinit { close(fd) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let r = systemRead(fd, base, buffer.count)
            if r >= 0 { return r }
            if errno != EINTR {
                throw CasparianError(.environment, "reading \(path) failed: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The first `count` bytes (fewer for a shorter file; none for a pipe),
    /// without moving the read position.
    func peek(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, count, 0) }
        return Array(out.prefix(max(0, n)))
    }

    /// The first `limit` bytes of the file, undecoded and not decompressed.
    static func head(_ path: String, limit: Int) throws -> [UInt8] {
        try FileSource(path: path).read(upTo: limit)
    }
}

/// `read(2)`, named apart from `ByteSource.read(into:)`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
