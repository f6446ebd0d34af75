// libFuzzer target: the gzip stream (zlib underneath, our member handling,
// offsets and errors on top), read whole and as a sample's prefix. At most
// 16 MiB of output is read per input: a small bomb is still a valid stream.
@testable import Inference

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = Compression.of(magic: bytes.prefix(4))
    var out = [UInt8](repeating: 0, count: 4096)
    for prefix in [false, true] {
        guard let source = try? GzipSource(MemorySource(bytes), name: "fuzz.gz", inputIsPrefix: prefix) else { continue }
        var total = 0
        while total < 16 << 20, let n = try? out.withUnsafeMutableBytes({ try source.read(into: $0) }), n > 0 {
            precondition(n <= out.count, "read reported more bytes than the buffer holds")
            total += n
        }
    }
    return 0
}
