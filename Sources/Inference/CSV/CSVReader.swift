import CasparianCore

/// Streams a CSV/TSV file as blocks of records, with bounded memory (one
/// read chunk plus one block). The dialect is sniffed unless given.
///
/// Records shorter than the header read as nulls for the missing fields;
/// longer records keep their extra fields in `TextRecords` (`RowBatch`es drop
/// them) and are counted in `raggedRecords`.
public final class CSVReader {
    public let path: String
    public let dialect: CSVDialect
    /// The header's names (made unique), or `column0`, `column1`, … without one.
    public private(set) var columnNames: [String] = []
    /// Data records whose field count differs from the header's.
    public private(set) var raggedRecords = 0
    /// Data records read so far.
    public private(set) var recordsRead = 0
    /// The 0-based data row whose quoted field is never closed (the rest of
    /// the file was read into it), known once the whole file was read.
    public private(set) var unterminatedQuoteRow: Int?
    /// The first data row whose field count differs from the header's.
    public private(set) var firstRaggedRow: Int?
    /// Where the quoted field that is never closed opens, and where the
    /// first ragged row starts: byte offsets in the file's text as read
    /// (UTF-8; a UTF-8 file's own bytes, its byte-order mark included).
    public private(set) var unterminatedQuoteOffset: Int?
    public private(set) var firstRaggedOffset: Int?
    /// Records per block.
    public var blockSize = 8192
    /// NUL bytes in the content read so far: a few are data damage read as
    /// text; more than `ByteCensus` allows make the file binary, an error
    /// when the reader gets to its end.
    public var nulBytes: Int { file.census.nul }
    /// `1 NUL byte at offset 20 (…), read as text`, for a file with a few.
    public var toleratedNUL: String? { file.census.tolerated }

    private let file: EncodedFile
    private var tokenizer: CSVTokenizer
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    /// The text offset of `pending[0]`.
    private var pendingBase = 0
    private var finished = false
    private var records = TextRecords()
    private var headerRead = false

    public init(path: String, dialect: CSVDialect? = nil) throws {
        self.path = path
        self.dialect = try dialect ?? CSVSniffer.sniff(path: path)
        file = try EncodedFile(path: path, encoding: self.dialect.encoding)
        tokenizer = CSVTokenizer(delimiter: self.dialect.delimiter, quote: self.dialect.quote)
        try readHeader()
    }

    private func readHeader() throws {
        guard let first = try nextRecords(limit: 1), first.count > 0 else {
            headerRead = true
            return
        }
        let width = first.fieldCount(0)
        if dialect.hasHeader {
            columnNames = CSVReader.uniqueNames(first.record(0))
            records.removeAll(firstRow: 0)
        } else {
            columnNames = (0..<width).map { "column\($0)" }
        }
        headerRead = true
    }

    /// Calls `body` with each block of data records until the file ends or
    /// `body` returns false. The block is only valid during the call.
    public func forEachBlock(_ body: (TextRecords) throws -> Bool) throws {
        if records.count > 0 {  // the first record, when there is no header
            countRagged(records)
            recordsRead += records.count
            guard try body(records) else { return }
        }
        while let block = try nextRecords(limit: blockSize) {
            guard block.count > 0 else { continue }
            countRagged(block)
            recordsRead += block.count
            guard try body(block) else { return }
        }
    }

    /// The data as `RowBatch`es of `.string` cells (nulls for missing fields).
    public func forEachBatch(output: String, _ body: (RowBatch) throws -> Bool) throws {
        let names = columnNames
        try forEachBlock { block in
            var batch = RowBatch(output: output, columnNames: names, firstRow: block.firstRow)
            for c in 0..<names.count {
                batch.columns[c].reserveCapacity(block.count)
                for r in 0..<block.count {
                    batch.columns[c].append(block.field(r, c).map(CellValue.string) ?? .null)
                }
            }
            return try body(batch)
        }
    }

    private func countRagged(_ block: TextRecords) {
        guard !columnNames.isEmpty else { return }
        for r in 0..<block.count where block.fieldCount(r) != columnNames.count {
            if firstRaggedRow == nil {
                firstRaggedRow = block.firstRow + r
                firstRaggedOffset = bomLength + block.offset(r)
            }
            raggedRecords += 1
        }
    }

    /// Fills `records` with up to `limit` records; nil at end of file.
    private func nextRecords(limit: Int) throws -> TextRecords? {
        let firstRow = headerRead ? recordsRead : 0
        records.removeAll(firstRow: firstRow)
        while records.count < limit {
            if pendingOffset < pending.count {
                tokenizer.base = pendingBase
                pendingOffset = pending.withUnsafeBufferPointer {
                    tokenizer.consume($0, from: pendingOffset, into: &records, limit: limit)
                }
                continue
            }
            if finished { break }
            let more: Void? = try file.next { chunk in
                pendingBase += pending.count
                pending.removeAll(keepingCapacity: true)
                pending.append(contentsOf: chunk)
                pendingOffset = 0
            }
            if more == nil {
                finished = true
                if let reason = file.census.reason {
                    // The whole file decides, the same rule the format analyzer applies to its first bytes.
                    throw CasparianError(
                        .data, "\(path) is binary, not CSV/TSV text: \(reason)",
                        hint:
                            "if the file is damaged, repair or exclude it; if it is another format, parse it with a user plugin (`casparian new NAME`)"
                    )
                }
                tokenizer.finish(&records)
                if tokenizer.unterminatedQuote, records.count > 0 {
                    unterminatedQuoteRow = records.firstRow + records.count - 1
                    unterminatedQuoteOffset = bomLength + tokenizer.quoteOpened
                }
                break
            }
        }
        return records.count == 0 && finished ? nil : records
    }

    /// Bytes before the text: a UTF-8 byte-order mark (other encodings are
    /// converted, so their offsets are in the UTF-8 text).
    private var bomLength: Int { dialect.encoding == .utf8BOM ? 3 : 0 }

    /// The 1-based line of each of `offsets` (as this reader reports them)
    /// and, with `countAll`, the file's number of lines (else nil): the
    /// file's text is read again, so only a file with a problem to report
    /// pays for it. LF, CR and CRLF each end a line, inside quoted fields too.
    public func lines(at offsets: [Int], countAll: Bool) throws -> (lines: [Int], total: Int?) {
        let text = try EncodedFile(path: path, encoding: dialect.encoding)
        let targets = offsets.map { $0 - bomLength }
        var lines = [Int](repeating: 1, count: offsets.count)
        var breaks = 0
        var position = 0
        var afterCR = false
        var lastWasBreak = true
        let last = targets.max() ?? 0
        var more = true
        while more {
            let read: Void? = try text.next { chunk in
                for b in chunk {
                    for (k, t) in targets.enumerated() where t == position { lines[k] = breaks + 1 }
                    if b == 10 {
                        if !afterCR { breaks += 1 }
                        afterCR = false
                        lastWasBreak = true
                    } else if b == 13 {
                        breaks += 1
                        afterCR = true
                        lastWasBreak = true
                    } else {
                        afterCR = false
                        lastWasBreak = false
                    }
                    position += 1
                }
            }
            more = read != nil && (countAll || position <= last)
        }
        for (k, t) in targets.enumerated() where t >= position { lines[k] = breaks + 1 }
        return (lines, countAll ? breaks + (lastWasBreak ? 0 : 1) : nil)
    }

    static func uniqueNames(_ raw: [String]) -> [String] {
        var seen = Set<String>()
        return raw.enumerated().map { i, name in
            var n = name.trimmingASCIISpaces()
            if n.isEmpty { n = "column\(i)" }
            var candidate = n
            var k = 1
            while !seen.insert(candidate).inserted {
                candidate = "\(n)_\(k)"
                k += 1
            }
            return candidate
        }
    }
}

extension String {
    func trimmingASCIISpaces() -> String { String(Substring(self).trimmingASCIISpaces()) }
}
