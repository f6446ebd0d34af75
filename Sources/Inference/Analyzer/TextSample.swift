/// The first bytes of a file read as text: decoded to UTF-8 and split into
/// lines, with the analyses that tell text formats apart.
struct TextSample {
    let encoding: CSVDialect.Encoding
    /// Why the encoding was chosen, when the bytes alone said so.
    let encodingEvidence: String?
    /// UTF-8 text (BOM removed, UTF-16 and Latin-1 converted).
    let text: [UInt8]
    /// Non-blank lines, the last one dropped when the sample was cut.
    let lines: [ArraySlice<UInt8>]
    let truncated: Bool
    /// A few NUL bytes read as text, said in the evidence.
    let tolerated: String?

    /// Nil when the bytes are not text (`ByteCensus`: more than 1% NUL bytes
    /// or 3% control bytes).
    init?(_ head: [UInt8], truncated: Bool) {
        let detected = EncodingSniffer.detect(head, truncated: truncated)
        if detected.encoding == .utf8 || detected.encoding == .latin1 {
            let census = ByteCensus(head)
            if census.isBinary { return nil }
            tolerated = census.tolerated
        } else {
            tolerated = nil
        }
        encoding = detected.encoding
        encodingEvidence = detected.evidence
        self.truncated = truncated
        text = EncodingSniffer.decode(head, encoding)
        var lines = text.split(separator: 10, omittingEmptySubsequences: true)
        if truncated && text.last != 10 && lines.count > 1 { lines.removeLast() }
        self.lines = lines.map { $0.last == 13 ? $0.dropLast() : $0 }
            .filter { $0.contains { $0 != UInt8(ascii: " ") && $0 != 9 } }
    }

    /// Bytes that do not occur in text: C0 controls other than tab, line
    /// feed, form feed, carriage return and escape; and DEL.
    static func isControl(_ b: UInt8) -> Bool {
        (b < 0x20 && b != 9 && b != 10 && b != 12 && b != 13 && b != 27) || b == 0x7F
    }

    struct Verdict {
        var format: FileFormat
        var confidence: Double
        var evidence: [String]
        var delimiter: String? = nil
    }

    /// The most likely text format, in order: JSON, log lines, delimited,
    /// fixed-width, a one-column table, plain text.
    func classify() -> Verdict {
        var evidence = encoding == .utf8 ? [] : ["encoding \(encoding.rawValue)" + (encodingEvidence.map { " (\($0))" } ?? "")]
        if let tolerated { evidence.append(tolerated) }
        if let first = text.first(where: { ![32, 9, 10, 13].contains($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "["),
            let v = json(evidence)
        {
            return v
        }
        let csv = delimited()
        let log = logLines()
        let csvStrong = csv.mode >= 2 && csv.consistency >= 0.9 && csv.records >= 2
        if log.timestamped >= 0.6 && log.withMessage >= 0.6 && (!csvStrong || (csv.mode == 2 && log.levels >= 0.3)) {
            evidence += log.evidence
            return Verdict(format: .log, confidence: min(0.97, 0.5 + 0.3 * log.timestamped + 0.2 * log.levels), evidence: evidence)
        }
        if csvStrong {
            let sure = min(1, Double(csv.records) / 10)
            return Verdict(
                format: csv.format, confidence: 0.55 + 0.4 * csv.consistency * sure, evidence: evidence + csv.evidence,
                delimiter: csv.delimiterText)
        }
        if csv.mode >= 2 && csv.consistency >= 0.6 {
            return Verdict(
                format: csv.format, confidence: 0.3 + 0.4 * csv.consistency, evidence: evidence + csv.evidence,
                delimiter: csv.delimiterText)
        }
        if let fw = fixedWidth(singleGapAllowed: log.timestamped < 0.5) {
            return Verdict(format: .fixedWidth, confidence: fw.confidence, evidence: evidence + fw.evidence)
        }
        let longest = lines.map(\.count).max() ?? 0
        if csv.mode <= 1 && !lines.isEmpty && longest <= 120 {
            return Verdict(
                format: .csv, confidence: 0.35, evidence: evidence + ["one field per line (a one-column table, or plain text)"],
                delimiter: ",")
        }
        return Verdict(
            format: .text, confidence: 0.5,
            evidence: evidence + ["text without a regular structure", "\(lines.count) lines, longest \(longest) bytes"])
    }

    func json(_ evidence: [String]) -> Verdict? {
        guard let shape = JSONShape.scan(text, truncated: truncated) else { return nil }
        if shape.values >= 2 && shape.onePerLine {
            let complete = shape.complete ? shape.values : shape.values - 1
            return Verdict(
                format: .jsonLines, confidence: min(0.98, 0.6 + 0.08 * Double(complete)),
                evidence: evidence + ["\(complete) complete JSON values, one per line"])
        }
        if shape.values >= 2 {
            return Verdict(format: .json, confidence: 0.5, evidence: evidence + ["\(shape.values) top-level JSON values, not one per line"])
        }
        return shape.complete
            ? Verdict(format: .json, confidence: 0.97, evidence: evidence + ["one complete JSON document"])
            : Verdict(format: .json, confidence: 0.85, evidence: evidence + ["well-formed JSON up to the end of the sample (one document)"])
    }

    struct Delimited {
        var delimiter: UInt8 = UInt8(ascii: ",")
        var mode = 0
        var consistency = 0.0
        var records = 0
        var hasHeader = false
        /// Records above the regular ones, and `#` comment lines, left out.
        var skipped = 0
        var comments = 0
        var format: FileFormat { delimiter == 9 ? .tsv : .csv }
        var delimiterText: String { delimiter == 9 ? "\\t" : String(Character(Unicode.Scalar(delimiter))) }
        var evidence: [String] {
            ["delimiter '\(delimiterText)'", "\(Int((consistency * Double(records)).rounded())) of \(records) records have \(mode) fields"]
                + (hasHeader && skipped == 0 ? ["header row"] : []) + (skipped > 0 ? ["\(skipped) preamble lines above the table"] : [])
                + (comments > 0 ? ["\(comments) comment lines (#)"] : [])
        }
    }

    /// The CSV sniffer's dialect and how regular the records are under it,
    /// ignoring `#` comment lines and a preamble of up to five records
    /// (notes above the header).
    func delimited() -> Delimited {
        var body = text
        var comments = 0
        if lines.contains(where: { $0.first == UInt8(ascii: "#") }) {
            body = Array(lines.filter { $0.first != UInt8(ascii: "#") }.joined(separator: [10]))
            comments = lines.count - lines.filter { $0.first != UInt8(ascii: "#") }.count
        }
        let dialect = CSVSniffer.sniff(head: body, truncated: truncated)
        let records = CSVSniffer.tokenize(body, delimiter: dialect.delimiter, dropLast: truncated)
        guard records.count > 0 else { return Delimited() }
        var best = Delimited()
        for skip in 0...min(5, records.count / 3) {
            var counts: [Int: Int] = [:]
            for r in skip..<records.count { counts[records.fieldCount(r), default: 0] += 1 }
            let (mode, freq) = counts.max { ($0.value, $0.key) < ($1.value, $1.key) }!
            let consistency = Double(freq) / Double(records.count - skip)
            if skip == 0 || (mode >= 2 && consistency > best.consistency + 0.2) {
                best = Delimited(
                    delimiter: dialect.delimiter, mode: mode, consistency: consistency, records: records.count - skip,
                    hasHeader: dialect.hasHeader, skipped: skip, comments: comments)
            }
        }
        return best
    }
}
