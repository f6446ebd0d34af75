// libFuzzer target: the encoding sniffer (byte-order marks, UTF-16 without
// one, UTF-8, Latin-1) and the conversion of a whole file to UTF-8 in
// chunks, in the detected encoding and in each other one.
import Foundation

@testable import Inference

let encodingPath = FileManager.default.temporaryDirectory.appendingPathComponent("casparian-fuzz-encoding-\(getpid()).txt").path

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEncoding(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let detected = EncodingSniffer.detect(bytes, truncated: false)
    _ = EncodingSniffer.detect(bytes, truncated: true)
    _ = EncodingSniffer.isValidUTF8(bytes, allowTruncatedEnd: true)
    let utf8 = EncodingSniffer.decode(bytes, detected.encoding)
    if detected.encoding != .utf8BOM {
        // What the sniffer calls text of an encoding converts to valid UTF-8
        // (a UTF-8 byte-order mark is taken at its word: what follows it is
        // passed on as it is).
        precondition(
            EncodingSniffer.isValidUTF8(utf8, allowTruncatedEnd: true),
            "decoding as \(detected.encoding) gave invalid UTF-8")
    }
    guard FileManager.default.createFile(atPath: encodingPath, contents: Data(bytes)) else {
        fatalError("cannot write \(encodingPath)")
    }
    for encoding in [detected.encoding, .utf8, .utf8BOM, .utf16LE, .utf16BE, .latin1] {
        guard let file = try? EncodedFile(path: encodingPath, encoding: encoding) else { continue }
        while let count = try? file.next({ $0.count }) { _ = count }
    }
    return 0
}
