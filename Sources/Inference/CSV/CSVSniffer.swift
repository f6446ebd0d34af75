/// Finds a delimited file's encoding, delimiter, quoting and header from its
/// first bytes.
public enum CSVSniffer {
    /// Bytes read to sniff.
    public static let sampleSize = 64 * 1024
    static let delimiters: [UInt8] = [UInt8(ascii: ","), 9, UInt8(ascii: ";"), UInt8(ascii: "|")]

    /// Sniffs the file at `path`.
    public static func sniff(path: String) throws -> CSVDialect {
        sniff(head: try InputFile.head(path, limit: sampleSize), truncated: nil)
    }

    /// Sniffs the first bytes of a file. `truncated` says whether more bytes
    /// follow (default: the sample is full), so a partial last line is ignored.
    public static func sniff(head: [UInt8], truncated: Bool? = nil) -> CSVDialect {
        let partial = truncated ?? (head.count >= sampleSize)
        let encoding = EncodingSniffer.detect(head, truncated: partial).encoding
        let text = EncodingSniffer.decode(head, encoding)
        var best: (score: (Int, Int, Int), delimiter: UInt8, records: TextRecords)?
        for d in delimiters {
            let records = tokenize(text, delimiter: d, dropLast: partial)
            guard records.count > 0 else { continue }
            var counts: [Int: Int] = [:]
            for r in 0..<records.count { counts[records.fieldCount(r), default: 0] += 1 }
            let (mode, freq) = counts.max { ($0.value, $0.key) < ($1.value, $1.key) }!
            let score = (mode > 1 ? 1 : 0, freq * 100 / records.count, mode)
            if best == nil || score > best!.score { best = (score, d, records) }
        }
        guard let best else { return CSVDialect(hasHeader: false, encoding: encoding) }
        let delimiter = best.score.0 == 1 ? best.delimiter : UInt8(ascii: ",")
        let records = delimiter == best.delimiter ? best.records : tokenize(text, delimiter: delimiter, dropLast: partial)
        return CSVDialect(delimiter: delimiter, hasHeader: hasHeader(records), encoding: encoding)
    }

    static func tokenize(_ text: [UInt8], delimiter: UInt8, dropLast: Bool, limit: Int = 200) -> TextRecords {
        var tokenizer = CSVTokenizer(delimiter: delimiter, quote: UInt8(ascii: "\""))
        var records = TextRecords()
        let stop = text.withUnsafeBufferPointer { tokenizer.consume($0, from: 0, into: &records, limit: limit) }
        if stop >= text.count { tokenizer.finish(&records) }
        if dropLast && stop >= text.count && records.count > 1 { records.dropLastRecord() }
        return records
    }

    /// Votes column by column, like Python's `csv.Sniffer.has_header`: a
    /// column whose body is numbers or dates under a text cell says header;
    /// a number on top of numbers says data.
    static func hasHeader(_ records: TextRecords) -> Bool {
        guard records.count >= 1 else { return false }
        let header = records.record(0)
        if records.count == 1 { return header.allSatisfy { kind($0) == .text } }
        var votes = 0
        for c in 0..<header.count {
            var kinds = Set<CellKind>()
            var lengths = Set<Int>()
            for r in 1..<records.count {
                guard let v = records.field(r, c), !v.isEmpty else { continue }
                kinds.insert(kind(v))
                lengths.insert(v.utf8.count)
            }
            guard !kinds.isEmpty else { continue }
            let top = kind(header[c])
            if !kinds.contains(.text) {
                if top == .text { votes += 1 } else if kinds.contains(top) { votes -= 1 }
            } else if lengths.count == 1, top == .text {
                votes += lengths.first == header[c].utf8.count ? -1 : 1
            }
        }
        if votes != 0 { return votes > 0 }
        return header.allSatisfy { !$0.isEmpty && kind($0) == .text } && Set(header).count == header.count
    }

    enum CellKind { case number, temporal, text }

    static func kind(_ s: String) -> CellKind {
        var s = s
        return s.withUTF8 { raw in
            let b = TextScalars.trimmed(raw)
            if b.isEmpty { return .text }
            switch TextScalars.numeric(b) {
            case .integer, .decimal, .leadingZero, .tooLarge: return .number
            case .notNumeric: if NumberFormat.shapes(b).fits != 0 { return .number }
            }
            for f in HypothesisTests.formats {
                if case .value = f.match(b) { return .temporal }
            }
            return .text
        }
    }
}
