import CZlib
import CasparianCore

/// The decompressed bytes of a gzip stream, inflated as they are read
/// (zlib, 64 KiB of compressed input at a time): memory stays bounded for a
/// file of any size. Concatenated members (`cat a.gz b.gz`) read as one
/// stream; bytes after the last member that do not start another are
/// ignored, as `gzip -d` does. A stream that ends before its last member is
/// complete, or whose data or checksum is wrong, is a `data` error naming
/// the file and the compressed offset.
final class GzipSource: ByteSource {
    private let input: any ByteSource
    private let name: String
    /// The input is a prefix of the stream (a sample head): its end is not an error.
    private let inputIsPrefix: Bool
    private var stream = z_stream()
    private let inputBuffer: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    private var memberEnded = false
    private var finished = false
    /// Compressed bytes inflated so far, for messages.
    private var consumed = 0
    static let inputChunk = 1 << 16

    init(_ input: any ByteSource, name: String, inputIsPrefix: Bool = false) throws {
        self.input = input
        self.name = name
        self.inputIsPrefix = inputIsPrefix
        inputBuffer = .allocate(byteCount: GzipSource.inputChunk, alignment: 1)
        let status = cz_inflate_init_gzip(&stream)
        guard status == Z_OK else {
            inputBuffer.deallocate()
            throw CasparianError(.environment, "zlib could not start decompressing \(name) (error \(status))")
        }
    }

    deinit {
        inflateEnd(&stream)
        inputBuffer.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.next_out = base.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        let capacity = Int(stream.avail_out)
        while stream.avail_out > 0 {
            if stream.avail_in == 0 {
                if !inputEnded { try refill() }
                if stream.avail_in == 0 {
                    if memberEnded || inputIsPrefix {
                        finished = true
                        break
                    }
                    throw CasparianError(
                        .data, "\(name): the gzip data ends early, after \(consumed) compressed bytes (a truncated file)",
                        hint: "the file is incomplete: copy or download it again (`gzip -t` checks a file)")
                }
            }
            if memberEnded {
                // Another member, or trailing bytes that are not one.
                guard stream.next_in[0] == 0x1F else {
                    finished = true
                    break
                }
                inflateReset(&stream)
                memberEnded = false
            }
            let before = stream.avail_in
            let status = inflate(&stream, Z_NO_FLUSH)
            consumed += Int(before - stream.avail_in)
            switch status {
            case Z_OK, Z_BUF_ERROR: continue  // a buffer is empty: the loop refills or returns
            case Z_STREAM_END: memberEnded = true
            default: throw corrupt(status)
            }
        }
        return capacity - Int(stream.avail_out)
    }

    private func refill() throws {
        let n = try input.read(into: inputBuffer)
        if n == 0 { inputEnded = true }
        stream.next_in = inputBuffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = UInt32(n)
    }

    private func corrupt(_ status: Int32) -> CasparianError {
        let why = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
        return CasparianError(
            .data, "\(name): not valid gzip data at compressed byte \(consumed) (\(why))",
            hint: "the file is damaged: copy or download it again (`gzip -t` checks a file)")
    }
}
