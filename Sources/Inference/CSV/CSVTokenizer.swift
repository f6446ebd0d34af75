/// An RFC 4180 state machine over UTF-8 bytes that keeps its state between
/// chunks, so records can span reads. Lenient where files are messy: a lone
/// CR ends a record, a quote inside an unquoted field is data, text after a
/// closing quote is kept, an unterminated quote ends at end of file.
struct CSVTokenizer {
    enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    let delimiter: UInt8
    let quote: UInt8
    var state = State.fieldStart
    var skipLineFeed = false
    /// Set at end of input when a quoted field was never closed: the rest of
    /// the file went into that one field.
    var unterminatedQuote = false
    /// The text offset of the chunk being consumed (its byte 0), set by the reader.
    var base = 0
    /// The text offset where the open record started.
    private var recordStart = 0
    /// The text offset of the last opening quote: where an unterminated field starts.
    private(set) var quoteOpened = 0
    /// Bytes that end an unquoted run: delimiter, quote, CR, LF.
    private var special = [Bool](repeating: false, count: 256)

    init(delimiter: UInt8, quote: UInt8) {
        self.delimiter = delimiter
        self.quote = quote
        for b in [delimiter, quote, 10, 13] { special[Int(b)] = true }
    }

    /// Tokenizes `chunk` from `start` until it is consumed or `out` holds
    /// `limit` records; returns where it stopped. Blank lines are skipped.
    mutating func consume(
        _ chunk: UnsafeBufferPointer<UInt8>, from start: Int, into out: inout TextRecords,
        limit: Int
    ) -> Int {
        var i = start
        let n = chunk.count
        special.withUnsafeBufferPointer { special in
            while i < n {
                let b = chunk[i]
                if skipLineFeed {
                    skipLineFeed = false
                    if b == 10 {
                        i += 1
                        recordStart = base + i
                        continue
                    }
                }
                switch state {
                case .fieldStart, .unquoted:
                    if state == .fieldStart && b == quote {
                        state = .quoted
                        quoteOpened = base + i
                        i += 1
                        continue
                    }
                    if b == delimiter {
                        out.endField()
                        state = .fieldStart
                        i += 1
                    } else if b == 10 || b == 13 {
                        endRecord(&out, fieldStarted: state != .fieldStart)
                        skipLineFeed = b == 13
                        i += 1
                        recordStart = base + i
                        if out.count >= limit { return }
                    } else {
                        // Copy the whole unquoted run at once.
                        var j = i + 1
                        while j < n, !special[Int(chunk[j])] { j += 1 }
                        out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[i..<j]))
                        state = .unquoted
                        i = j
                    }
                case .quoted:
                    if b == quote {
                        state = .quoteInQuoted
                        i += 1
                    } else {
                        var j = i + 1
                        while j < n, chunk[j] != quote { j += 1 }
                        out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[i..<j]))
                        i = j
                    }
                case .quoteInQuoted:
                    if b == quote {
                        out.bytes.append(quote)
                        state = .quoted
                        i += 1
                    } else if b == delimiter {
                        out.endField()
                        state = .fieldStart
                        i += 1
                    } else if b == 10 || b == 13 {
                        endRecord(&out, fieldStarted: true)
                        skipLineFeed = b == 13
                        i += 1
                        recordStart = base + i
                        if out.count >= limit { return }
                    } else {
                        out.bytes.append(b)
                        state = .unquoted
                        i += 1
                    }
                }
            }
        }
        return i
    }

    /// Ends the last record at end of input, if one is open.
    mutating func finish(_ out: inout TextRecords) {
        if state == .quoted { unterminatedQuote = true }
        let lastStart = out.fieldBounds.count - 1 - (out.recordStarts.last ?? 0)
        if state != .fieldStart || lastStart > 0 || out.bytes.count > (out.fieldBounds.last ?? 0) {
            endRecord(&out, fieldStarted: true)
        }
        state = .fieldStart
    }

    private mutating func endRecord(_ out: inout TextRecords, fieldStarted: Bool) {
        out.endField()
        out.endRecord(startingAt: recordStart)
        state = .fieldStart
        // A blank line is one empty field that was never started.
        if !fieldStarted, out.fieldCount(out.count - 1) == 1, out.fieldBounds[out.fieldBounds.count - 2] == out.bytes.count {
            out.dropLastRecord()
        }
    }
}
