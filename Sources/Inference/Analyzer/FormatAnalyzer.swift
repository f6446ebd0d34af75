import CasparianCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Recognises a file's format from its first bytes and its size, never its
/// name: magic numbers for binary containers, then a text analysis (JSON,
/// JSON Lines, delimited, log lines, fixed-width).
public enum FormatAnalyzer {
    /// Bytes read from the start of a file by default.
    public static let defaultPrefix = 16 * 1024

    /// Analyses the file at `path` from its first `prefix` bytes.
    public static func analyze(path: String, prefix: Int = defaultPrefix) throws -> FormatAnalysis {
        var st = stat()
        guard stat(path, &st) == 0 else { throw CasparianError.cannotRead(path, errno: errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw CasparianError(.usage, "\(path) is not a regular file", hint: "pass files, or a folder to analyse every file in it")
        }
        let head = try FileSource.head(path, limit: prefix)
        return analyze(head: head, size: Int(st.st_size))
    }

    /// Analyses the first bytes of a file of `size` bytes. The content of a
    /// gzip file is analysed too (up to `defaultPrefix` decompressed bytes,
    /// or as many as `head` holds): a gzip CSV is `csv` with `compression`
    /// `gzip`; gzip that does not decompress stays `gzip`.
    public static func analyze(head: [UInt8], size: Int) -> FormatAnalysis {
        let truncated = size > head.count
        func verdict(_ f: FileFormat, _ c: Double, _ e: [String], delimiter: String? = nil) -> FormatAnalysis {
            FormatAnalysis(format: f, confidence: c, evidence: e, delimiter: delimiter, size: size, bytesRead: head.count)
        }
        if head.isEmpty { return verdict(.empty, 1, ["0 bytes"]) }
        if Compression.of(magic: head) == .gzip {
            let limit = max(head.count, defaultPrefix)
            let content: [UInt8]
            do {
                content = try GzipSource(MemorySource(head), name: "the sample", inputIsPrefix: truncated).read(upTo: limit)
            } catch let e as CasparianError {
                return verdict(.gzip, 0.9, ["gzip magic 1F 8B", "does not decompress: \(e.message)"])
            } catch {
                return verdict(.gzip, 0.9, ["gzip magic 1F 8B", "does not decompress"])
            }
            var inner = classify(content, truncated: truncated || content.count == limit)
            if inner.format == .gzip || inner.format == .empty && content.isEmpty && truncated {
                return verdict(.gzip, 0.99, ["gzip magic 1F 8B"])
            }
            inner.evidence.insert("gzip magic 1F 8B, \(content.count) bytes decompressed", at: 0)
            var out = verdict(inner.format, inner.confidence, inner.evidence, delimiter: inner.delimiter)
            out.compression = .gzip
            return out
        }
        let v = classify(head, truncated: truncated)
        return verdict(v.format, v.confidence, v.evidence, delimiter: v.delimiter)
    }

    /// The format of content bytes (after any decompression).
    static func classify(_ head: [UInt8], truncated: Bool) -> TextSample.Verdict {
        if head.isEmpty { return TextSample.Verdict(format: .empty, confidence: 1, evidence: ["0 bytes"]) }
        if let (format, confidence, evidence) = magic(head) {
            return TextSample.Verdict(format: format, confidence: confidence, evidence: evidence)
        }
        guard let text = TextSample(head, truncated: truncated) else {
            return TextSample.Verdict(format: .binary, confidence: 0.9, evidence: binaryEvidence(head))
        }
        if let tag = markupStart(head) {
            return TextSample.Verdict(format: .markup, confidence: 0.95, evidence: ["starts with \(tag)"])
        }
        return text.classify()
    }

    /// `<!DOCTYPE html`, `<html`, `<?xml`: the opening of an HTML or XML
    /// document (after a byte-order mark and blank space), if the text has one.
    static func markupStart(_ b: [UInt8]) -> String? {
        var i = b.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < b.count, [9, 10, 13, 32].contains(b[i]) { i += 1 }
        let rest = b[i..<min(b.count, i + 16)].map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        for tag in ["<!doctype html", "<html", "<?xml"] where rest.starts(with: Array(tag.utf8)) {
            return String(decoding: b[i..<(i + tag.count)], as: UTF8.self)
        }
        return nil
    }

    /// Magic numbers of binary containers.
    static func magic(_ b: [UInt8]) -> (FileFormat, Double, [String])? {
        func starts(_ m: [UInt8]) -> Bool { b.starts(with: m) }
        if starts(Array("PAR1".utf8)) { return (.parquet, 0.95, ["magic PAR1 at offset 0"]) }
        if starts([0x1F, 0x8B]) { return (.gzip, 0.99, ["gzip magic 1F 8B"]) }
        if starts(Array("BZh".utf8)), b.count > 3, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(b[3]) {
            return (.bzip2, 0.98, ["bzip2 magic BZh\(Character(Unicode.Scalar(b[3])))"])
        }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return (.xz, 0.99, ["xz magic FD 37 7A 58 5A 00"]) }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return (.zstd, 0.99, ["zstd magic 28 B5 2F FD"]) }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) {
            if contains(b, "xl/") { return (.excel, 0.95, ["zip archive", "holds xl/ entries (Office Open XML workbook)"]) }
            return (.zip, 0.95, ["zip magic PK 03 04"])
        }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            let workbook = Array("Workbook".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            if contains(b, workbook) { return (.excel, 0.95, ["OLE2 compound file", "has a Workbook stream (.xls)"]) }
            return (.excel, 0.6, ["OLE2 compound file (legacy Office: .xls, .doc or .ppt)", "no Workbook stream in the first bytes"])
        }
        if starts(Array("SQLite format 3".utf8) + [0]) { return (.binary, 0.99, ["SQLite database header"]) }
        if starts(Array("%PDF-".utf8)) { return (.binary, 0.99, ["PDF header %PDF-"]) }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return (.binary, 0.99, ["PNG signature"]) }
        if starts([0xFF, 0xD8, 0xFF]) { return (.binary, 0.99, ["JPEG signature"]) }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return (.binary, 0.99, ["ELF header"]) }
        return nil
    }

    static func contains(_ b: [UInt8], _ s: String) -> Bool { contains(b, Array(s.utf8)) }

    static func contains(_ b: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, b.count >= needle.count else { return false }
        for i in 0...(b.count - needle.count) where b[i] == needle[0] {
            if b[i..<(i + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    static func binaryEvidence(_ b: [UInt8]) -> [String] {
        let census = ByteCensus(b)
        return ["no known magic number", census.reason.map { "not text: \($0)" } ?? "not text (encoding)"]
    }
}
