// libFuzzer target: the host's reading of a worker's data pipe. A worker
// runs plugin code, which can write anything to the pipe: whatever it
// writes, the host must end the file with an error, never crash or hang.
// The input is the byte stream, read by FrameReader (a small buffer, so
// frames straddle refills and take the large-payload path) and handed to
// FileFrames as WorkerProcess.parse does.
import Foundation
import WireProtocol

@testable import PluginHost

let framesPath = FileManager.default.temporaryDirectory.appendingPathComponent("casparian-fuzz-frames-\(getpid())").path

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrames(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard FileManager.default.createFile(atPath: framesPath, contents: Data(bytes: data, count: size)) else {
        fatalError("cannot write \(framesPath)")
    }
    let fd = open(framesPath, O_RDONLY)
    precondition(fd >= 0, "cannot open \(framesPath)")
    defer { close(fd) }
    let reader = FrameReader(fd: fd, bufferSize: 64)
    var frames = FileFrames(request: 7)
    while let frame = try? reader.next() {
        guard let step = try? frames.take(frame) else { break }
        switch step {
        case .declared, .event: continue
        case .parsed, .failed: return 0
        }
    }
    return 0
}
