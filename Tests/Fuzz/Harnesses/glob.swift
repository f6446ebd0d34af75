// libFuzzer target: glob patterns (a scope's include/exclude, a plugin's
// `pattern`, a contract's exclusions), compiled and matched against a path.
// Input: PATTERN, a newline, PATH.
@testable import CasparianCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGlob(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let cut = bytes.firstIndex(of: 10) ?? size
    let pattern = String(decoding: bytes[..<cut], as: UTF8.self)
    let path = String(decoding: bytes[min(cut + 1, size)...], as: UTF8.self)
    guard let glob = try? GlobPattern(pattern) else { return 0 }
    _ = glob.matches(path)
    _ = glob.matches(pattern)
    return 0
}
