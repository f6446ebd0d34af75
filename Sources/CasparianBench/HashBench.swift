import CasparianCore
import Digest
import Foundation

/// `casparian-bench hash FILE`: hashes the file as a scope's content hash
/// does and prints `seconds bytes hex-digest` on one line for the calling
/// script.
enum HashBench {
    static func run() throws {
        let args = Array(CommandLine.arguments.dropFirst(2))
        guard args.count == 1 else { throw CasparianError(.usage, "usage: casparian-bench hash FILE") }
        let start = ContinuousClock.now
        let hex = try SHA256.hexDigest(ofFileAt: args[0])
        let elapsed = ContinuousClock.now - start
        var st = stat()
        guard stat(args[0], &st) == 0 else { throw CasparianError.cannotRead(args[0], errno: errno) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "%.4f %d ", seconds, Int(st.st_size)) + hex)
    }
}
