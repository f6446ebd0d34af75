import CasparianCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file written sequentially through a 1 MiB buffer over its descriptor.
/// Errors name the path; a full disk says so.
final class FileOutput {
    let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferCapacity = 1 << 20
    /// Bytes written so far, buffered ones included: the offset of the next byte.
    private(set) var position = 0

    /// Creates or truncates the file at `path`.
    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.error(errno, creating: true, path: path) }
        buffer.reserveCapacity(bufferCapacity)
    }

    deinit {
        if fd >= 0 { _ = closeDescriptor(fd) }
    }

    func write(_ bytes: some Collection<UInt8>) throws {
        if buffer.count + bytes.count > bufferCapacity { try flush() }
        if bytes.count >= bufferCapacity {
            try Array(bytes).withUnsafeBytes { try writeAll($0) }
        } else {
            buffer.append(contentsOf: bytes)
        }
        position += bytes.count
    }

    /// Writes what is buffered, fsyncs and closes.
    func close() throws {
        try flush()
        guard fsync(fd) == 0 else { throw Self.error(errno, creating: false, path: path) }
        let rc = closeDescriptor(fd)
        fd = -1
        guard rc == 0 else { throw Self.error(errno, creating: false, path: path) }
    }

    /// Closes without writing what is buffered and removes the file.
    func discard() {
        if fd >= 0 {
            _ = closeDescriptor(fd)
            fd = -1
        }
        buffer.removeAll()
        unlink(path)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = writeDescriptor(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.error(errno, creating: false, path: path)
            }
            offset += n
        }
    }

    private static func error(_ code: Int32, creating: Bool, path: String) -> CasparianError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOSPC, EDQUOT:
            return CasparianError(
                // "disk full: " is how a run knows to stop rather than fail file after file.
                .environment, "disk full: cannot write Parquet file \(path): the disk is full (\(reason))",
                hint: "free disk space on the volume of \(path), or write the output elsewhere, then run again")
        case EACCES, EPERM, EROFS:
            return CasparianError(
                .environment, "cannot \(creating ? "create" : "write") Parquet file \(path): \(reason)",
                hint: "check that the folder exists and is writable by this user")
        default:
            return CasparianError(
                .environment, "cannot \(creating ? "create" : "write") Parquet file \(path): \(reason)",
                hint: creating ? "check that the folder exists and is writable" : "check the disk holding \(path)")
        }
    }
}

// Free functions: inside FileOutput, `close` and `write` name its methods.
private func closeDescriptor(_ fd: Int32) -> Int32 {
    close(fd)
}

private func writeDescriptor(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
