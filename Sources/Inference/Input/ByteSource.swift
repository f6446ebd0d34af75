/// The bytes of an input, read front to back: a file as it is on disk, or
/// the decompressed stream of a gzip file. Two real implementations
/// (`FileSource`, `GzipSource`) and one over memory (`MemorySource`) for
/// sample heads and tests.
protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; 0 only at the end of the input.
    /// Errors name the file and say what is wrong with it.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// The next bytes, up to `limit` (fewer only at the end of the input).
    func read(upTo limit: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: limit)
        var got = 0
        while got < limit {
            let n = try out.withUnsafeMutableBytes { try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }
            if n == 0 { break }
            got += n
        }
        out.removeSubrange(got...)
        return out
    }
}

/// How an input file is compressed, from its first bytes (never its name).
public enum Compression: String, Sendable, Codable {
    case gzip

    static func of(magic b: some Collection<UInt8>) -> Compression? {
        b.starts(with: [0x1F, 0x8B]) ? .gzip : nil
    }
}

/// Opens input files: gzip is decompressed on the fly, as a stream.
enum InputFile {
    static func open(_ path: String) throws -> any ByteSource {
        let file = try FileSource(path: path)
        switch Compression.of(magic: file.peek(2)) {
        case .gzip?: return try GzipSource(file, name: path)
        case nil: return file
        }
    }

    /// The first `limit` bytes of the content (decompressed).
    static func head(_ path: String, limit: Int) throws -> [UInt8] {
        try open(path).read(upTo: limit)
    }
}

/// The start of a file's content, for tools that look at a sample.
public enum ContentHead {
    /// The first `limit` bytes of the content (decompressed when the file
    /// is gzip) and how the file is compressed.
    public static func read(_ path: String, limit: Int) throws -> (bytes: [UInt8], compression: Compression?) {
        let source = try InputFile.open(path)
        return (try source.read(upTo: limit), source is GzipSource ? .gzip : nil)
    }
}
