import CasparianCore
import Foundation
import Inference

/// A file as the Lab shows it beside the parsed rows: its text lines (a
/// gzip file's decompressed), or for a binary file a hex view (offset, 16
/// bytes, their printable characters).
struct SourceView {
    /// At most this much of a file is shown.
    static let maxBytes = 512 * 1024
    static let maxHexBytes = 16 * 1024

    var isText: Bool
    var lines: [String]
    var truncated: Bool
    var encoding: String

    var json: [String: Any] {
        ["kind": isText ? "text" : "hex", "lines": lines, "truncated": truncated, "encoding": encoding]
    }

    static func read(path: String) throws -> SourceView {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CasparianError(.permissionDenied, "cannot read \(path)", hint: "check that the file exists and is readable")
        }
        defer { try? handle.close() }
        let data = (try handle.read(upToCount: maxBytes + 1)) ?? Data()
        // A gzip file is shown as what it holds, as discovery and plugins
        // read it; one that does not decompress is shown as its bytes.
        if data.starts(with: [0x1F, 0x8B]),
            let (content, compression) = try? ContentHead.read(path, limit: maxBytes + 1), compression == .gzip,
            let view = textView(Data(content), compression: "gzip")
        {
            return view
        }
        if let view = textView(data, compression: nil) { return view }
        let bytes = Array(data.prefix(maxHexBytes))
        return SourceView(
            isText: false, lines: hexLines(bytes), truncated: data.count > maxHexBytes, encoding: "binary")
    }

    /// The first `maxBytes` of `data` as lines, or nil when they are not text.
    private static func textView(_ data: Data, compression: String?) -> SourceView? {
        let truncated = data.count > maxBytes
        let head = data.prefix(maxBytes)
        if let text = text(head, truncated: truncated) {
            // "\r\n" is one Character to Swift: normalised before splitting.
            var lines = text.text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            let encoding = compression.map { "\(text.encoding), decompressed from \($0)" } ?? text.encoding
            return SourceView(isText: true, lines: lines, truncated: truncated, encoding: encoding)
        }
        return nil
    }

    /// The bytes as text: UTF-8 (a character cut at the end forgiven), else
    /// Latin-1 when no control bytes but tabs and line ends appear; nil for binary.
    static func text(_ data: Data, truncated: Bool) -> (text: String, encoding: String)? {
        if data.contains(0) { return nil }
        var bytes = Data(data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        for cut in 0...(truncated ? 3 : 0) where bytes.count >= cut {
            if let s = String(data: bytes.dropLast(cut), encoding: .utf8) { return (s, "utf-8") }
        }
        let controls = bytes.filter { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }.count
        guard controls == 0 else { return nil }
        return (String(decoding: bytes.map { UInt16($0) }, as: UTF16.self), "latin-1")
    }

    static func hexLines(_ bytes: [UInt8]) -> [String] {
        stride(from: 0, to: bytes.count, by: 16).map { offset in
            let chunk = bytes[offset..<min(offset + 16, bytes.count)]
            let hex = chunk.map { String(format: "%02x", $0) }.joined(separator: " ")
            let ascii = String(chunk.map { (0x20...0x7E).contains($0) ? Character(UnicodeScalar($0)) : "." })
            return String(format: "%08x  ", offset) + hex.padding(toLength: 47, withPad: " ", startingAt: 0) + "  |" + ascii + "|"
        }
    }
}

/// Which source line each parsed row came from. Plugins emit values, not
/// positions, so the Lab finds them: rows come in file order, so each row
/// is looked for after the previous row's line, on the line holding most
/// of its cell texts (a date or number the plugin rewrote does not match,
/// the others do).
enum SourceLink {
    /// How far past the previous row's line a row is looked for.
    static let window = 400

    static func lines(for rows: [[String?]], in lines: [String]) -> [Int?] {
        var next = 0
        return rows.map { row in
            let cells = row.compactMap { $0 }.filter { !$0.isEmpty }
            var best: (line: Int, score: Int)?
            var i = next
            while i < min(lines.count, next + window) {
                let score = cells.reduce(0) { $0 + (lines[i].contains($1) ? 1 : 0) }
                if score > (best?.score ?? 0) { best = (i, score) }
                if score == cells.count, score > 0 { break }
                i += 1
            }
            guard let best else { return nil }
            next = best.line + 1
            return best.line
        }
    }
}
