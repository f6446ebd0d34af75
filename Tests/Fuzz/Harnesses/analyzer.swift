// libFuzzer target: the format analyzer (`casparian analyze`): magic
// numbers, markup, JSON shapes and CSV structure of a file's first bytes,
// as a whole small file and as the head of a larger one.
@testable import Inference

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAnalyzer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = FormatAnalyzer.analyze(head: bytes, size: size)
    _ = FormatAnalyzer.analyze(head: bytes, size: size + 1 << 20)
    return 0
}
