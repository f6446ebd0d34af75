import CasparianCore
import CasparianTestSupport
import Foundation

@testable import Inference

/// Generates files of known formats with a seeded generator, so the
/// analyzer's accuracy is measured on varied inputs that are the same on
/// every run.
struct GeneratedFormats {
    var rng: SplitMix64
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    static let words = [
        "alpha", "beta", "gamma", "delta", "north", "south", "paris", "tokyo", "red", "green", "order", "invoice",
        "Müller", "naïve café", "x", "long description with spaces",
    ]

    mutating func word() -> String { Self.words.randomElement(using: &rng)! }
    mutating func number() -> String {
        Bool.random(using: &rng)
            ? String(Int.random(in: -1000...100_000, using: &rng))
            : String(format: "%.2f", Double.random(in: -500...5000, using: &rng))
    }
    mutating func stamp() -> String {
        String(
            format: "2024-%02d-%02d %02d:%02d:%02d", Int.random(in: 1...12, using: &rng), Int.random(in: 1...28, using: &rng),
            Int.random(in: 0...23, using: &rng), Int.random(in: 0...59, using: &rng), Int.random(in: 0...59, using: &rng))
    }
    mutating func value() -> Any {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return Int.random(in: -50...50_000, using: &rng)
        case 1: return word()
        case 2: return Bool.random(using: &rng)
        case 3: return NSNull()
        default: return ["k": word(), "n": Double.random(in: 0...1, using: &rng)] as [String: Any]
        }
    }
    mutating func record(_ keys: Int) -> [String: Any] {
        var r: [String: Any] = [:]
        for k in 0..<keys { r["field_\(k)"] = value() }
        return r
    }

    mutating func json() -> Data {
        let n = Int.random(in: 1...300, using: &rng)
        let keys = Int.random(in: 1...8, using: &rng)
        let body: Any =
            Bool.random(using: &rng)
            ? (0..<n).map { _ in record(keys) } as Any
            : ["meta": record(2), "items": (0..<n).map { _ in record(keys) }] as Any
        let opts: JSONSerialization.WritingOptions = Bool.random(using: &rng) ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        return try! JSONSerialization.data(withJSONObject: body, options: opts)
    }

    mutating func jsonLines() -> Data {
        let keys = Int.random(in: 1...8, using: &rng)
        let lines = (0..<Int.random(in: 2...400, using: &rng)).map { _ in
            String(decoding: try! JSONSerialization.data(withJSONObject: record(keys), options: [.sortedKeys]), as: UTF8.self)
        }
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    mutating func fixedWidth() -> Data {
        let widths = (0..<Int.random(in: 2...7, using: &rng)).map { _ in Int.random(in: 6...18, using: &rng) }
        let header = Bool.random(using: &rng)
        var out = ""
        for row in 0..<Int.random(in: 5...300, using: &rng) {
            for (c, w) in widths.enumerated() {
                let v = header && row == 0 ? "COL\(c)" : (c % 2 == 0 ? number() : word())
                let cell = String(v.prefix(w - 1))
                let pad = String(repeating: " ", count: w - cell.count)
                out += (c % 2 == 0 ? pad + cell : cell + pad)
            }
            out += "\n"
        }
        return Data(out.utf8)
    }

    mutating func log() -> Data {
        let style = Int.random(in: 0..<4, using: &rng)
        var out = ""
        for _ in 0..<Int.random(in: 5...400, using: &rng) {
            let level = ["INFO", "WARN", "ERROR", "DEBUG"].randomElement(using: &rng)!
            let msg = "\(word()) \(word()) took \(Int.random(in: 1...900, using: &rng)) ms"
            switch style {
            case 0: out += "\(stamp()),\(Int.random(in: 100...999, using: &rng)) \(level) app.module - \(msg)\n"
            case 1: out += "[\(stamp().replacingOccurrences(of: " ", with: "T"))Z] \(level.lowercased()): \(msg)\n"
            case 2:
                out +=
                    "Jan \(Int.random(in: 10...28, using: &rng)) 0\(Int.random(in: 1...9, using: &rng)):12:33 host sshd[\(Int.random(in: 100...9999, using: &rng))]: \(msg)\n"
            default:
                out +=
                    "10.0.0.\(Int.random(in: 1...254, using: &rng)) - - [12/Mar/2024:10:0\(Int.random(in: 0...9, using: &rng)):00 +0000] \"GET /\(word()) HTTP/1.1\" 200 \(Int.random(in: 10...9999, using: &rng))\n"
            }
            if Int.random(in: 0..<10, using: &rng) == 0 { out += "    at \(word()).call(\(word()).java:42)\n" }
        }
        return Data(out.utf8)
    }

    mutating func binary() -> Data {
        Data((0..<Int.random(in: 200...20_000, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    mutating func csv(delimiter: String) -> Data {
        let cols = Int.random(in: 2...9, using: &rng)
        var out = (0..<cols).map { "col\($0)" }.joined(separator: delimiter) + "\n"
        for _ in 0..<Int.random(in: 3...300, using: &rng) {
            out += (0..<cols).map { $0 % 2 == 0 ? number() : word() }.joined(separator: delimiter) + "\n"
        }
        return Data(out.utf8)
    }

    /// Compresses `data` with a system tool (`gzip`, `bzip2`, `xz`, `zstd`).
    static func compress(_ data: Data, tool: String) throws -> Data {
        try ProcessLaunch("/usr/bin/" + tool, tool == "zstd" ? ["-q", "-c"] : ["-c"], stdin: data).run().stdoutData
    }
}
