import CZstd
import CasparianCore

/// Compresses page bodies with the file's codec, reusing one zstd context.
final class PageCompressor {
    let compression: ParquetCompression
    private var context: OpaquePointer?
    private var output: [UInt8] = []

    init(_ compression: ParquetCompression) {
        self.compression = compression
        if case .zstd = compression { context = ZSTD_createCCtx() }
    }

    deinit {
        if let context { ZSTD_freeCCtx(context) }
    }

    /// The Thrift `CompressionCodec`: UNCOMPRESSED 0, ZSTD 6.
    var codec: Int32 {
        switch compression {
        case .uncompressed: return 0
        case .zstd: return 6
        }
    }

    /// Calls `body` with the compressed form of `page` (the page itself when uncompressed).
    func compress<R>(_ page: [UInt8], _ body: (ArraySlice<UInt8>) throws -> R) throws -> R {
        guard case .zstd(let level) = compression, let context else { return try body(page[...]) }
        let bound = ZSTD_compressBound(page.count)
        if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
        let written = output.withUnsafeMutableBytes { out in
            page.withUnsafeBytes { src in
                ZSTD_compressCCtx(context, out.baseAddress, out.count, src.baseAddress, src.count, level)
            }
        }
        guard ZSTD_isError(written) == 0 else {
            let reason = String(cString: ZSTD_getErrorName(written))
            throw CasparianError(.internal, "zstd could not compress a Parquet page: \(reason)")
        }
        return try body(output[..<written])
    }
}
