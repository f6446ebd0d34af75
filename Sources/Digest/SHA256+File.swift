import CasparianCore

#if canImport(Glibc)
    import Glibc
#endif

extension SHA256 {
    /// The hex digest of a file's contents, read in 1 MiB chunks into one
    /// reused buffer.
    public static func hexDigest(ofFileAt path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == EACCES || code == EPERM { throw CasparianError.cannotRead(path, errno: code) }
            throw CasparianError(
                .notFound, "cannot read \(path) to hash it: \(String(cString: strerror(code)))",
                hint: "check that the file still exists and is readable; refresh its scope")
        }
        defer { close(fd) }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        while true {
            let n = read(fd, buffer, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                throw CasparianError.cannotRead(path, errno: errno)
            }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(start: buffer, count: n))
        }
        return hasher.finalizeHex()
    }
}
