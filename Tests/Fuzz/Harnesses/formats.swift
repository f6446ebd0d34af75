// libFuzzer target: the temporal and number format parsers. Input:
// PATTERN, a newline, VALUE. The pattern is compiled as a strftime pattern
// (a contract's or an override's format) and as a number pattern; the
// value is parsed by it, by every candidate format the solver starts a
// column with, and by every number format as each numeric type.
import CasparianCore

@testable import Inference

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormats(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let cut = bytes.firstIndex(of: 10) ?? size
    let pattern = String(decoding: bytes[..<cut], as: UTF8.self)
    let value = String(decoding: bytes[min(cut + 1, size)...], as: UTF8.self)
    if let format = TemporalFormat(strftime: pattern) {
        _ = format.parse(value[...])
        _ = format.parseAllowingMissingSeconds(value[...])
        _ = format.patternWithoutSeconds
    }
    for format in TemporalFormat.candidates {
        _ = format.parse(value[...])
    }
    if let (format, type) = NumberFormat.parse(pattern: pattern) {
        _ = format.value(of: value, as: type)
    }
    for format in NumberFormat.all {
        for type in [DataType.int64, .float64] { _ = format.value(of: value, as: type) }
    }
    return 0
}
