import CasparianCore

/// Proves the type of one column from its values.
///
/// A column starts with every hypothesis possible (`CandidateSet.all`: boolean,
/// int64, float64, the typed temporal values and every text format of
/// `TemporalFormat.candidates`); each value eliminates the hypotheses it
/// contradicts, and the first value that eliminated each one is kept as
/// evidence. What survives is proven; when more than one survives the result
/// is `ambiguous` and asks, and when files or rows disagree it is a
/// `contradiction` that names them. It never picks silently.
///
/// Values are tallied per file (`beginFile`), so a format that holds in most
/// files but not in a few is reported as a contradiction between files rather
/// than quietly degrading the column to text. Within a file a few values that
/// fit none of the surviving hypotheses (at most `SolverOptions.dissentShare`
/// of them) are kept as dissenting rows instead of eliminating everything.
///
/// Feeding is allocation-free on the hot path: null sentinels are matched on
/// bytes, and only the hypotheses still standing are tested, as bits.
public struct ConstraintSolver: Sendable {
    public let name: String
    public let options: SolverOptions
    var currentFile: String?
    /// The hypotheses a file starts from: every one, or a proof (`init(name:options:within:)`).
    let start: CandidateSet
    var file = FileTally()
    var global = ColumnTally()
    /// Shared tables, held here so the hot path reads no lazy globals.
    let tables = SolverTables.shared

    public init(name: String, options: SolverOptions = SolverOptions()) {
        self.init(name: name, options: options, within: .all)
    }

    /// A solver for a column already known to fit only `hypotheses` (a
    /// proof from earlier files): what it keeps standing is a subset of
    /// them, and a value that fits none of them is a dissenting row, kept
    /// with its row and value. With `dissentShare` 0 dissent never turns
    /// the column into text, so every such row stays countable.
    public init(name: String, options: SolverOptions = SolverOptions(), within hypotheses: CandidateSet) {
        self.name = name
        self.options = options
        start = hypotheses
        file.mask = hypotheses
        global.mask = hypotheses
    }

    /// Starts the tally of a new file (closing the previous one).
    public mutating func beginFile(_ path: String) {
        closeFile()
        currentFile = path
    }

    /// Feeds one value from `file` at 0-based data row `row`.
    public mutating func feed(_ value: CellValue, file path: String, row: Int) {
        if path != currentFile { beginFile(path) }
        feed(value, row: row)
    }

    /// Feeds one value of the current file.
    @inline(__always)
    public mutating func feed(_ value: CellValue, row: Int) {
        withUnsafePointer(to: value) { feed(at: $0, row: row) }
    }

    /// Feeds the value at `cell`, read in place: a batch's cells are not
    /// copied (no retain and release of each string).
    @inline(__always)
    mutating func feed(at cell: UnsafePointer<CellValue>, row: Int) {
        switch cell.pointee {
        case .string(let s):
            if s.utf8.withContiguousStorageIfAvailable({ feed(text: $0, row: row) }) == nil {
                var copy = s
                copy.withUTF8 { feed(text: $0, row: row) }
            }
        case .null:
            recordNull(sentinel: nil)
        case .absent:
            file.absent += 1
        case .int(let v):
            if ColumnTally.years.contains(v) { global.noteYear(Int(v)) }
            // A number is a number in any notation: typed values do not eliminate grouped text.
            feedTyped(.int64 | .float64 | .grouped, at: cell, row: row)
        case .bool:
            feedTyped(.boolean, at: cell, row: row)
        case .float(let d):
            if d.isNaN { recordNull(sentinel: tables.nanIndex) } else { feedFraction(at: cell, row: row) }
        case .decimal(let s):
            var s = s
            switch s.withUTF8({ TextScalars.numeric(TextScalars.trimmed($0)) }) {
            case .integer: feedTyped(.int64 | .float64 | .grouped, at: cell, row: row)
            case .decimal: feedFraction(at: cell, row: row)
            default: feedTyped(.empty, at: cell, row: row)
            }
        case .date:
            feedTyped(tables.dateBits, at: cell, row: row)
        case .time:
            feedTyped(tables.timeBits, at: cell, row: row)
        case .timestamp:
            feedTyped(tables.timestampBits, at: cell, row: row)
        case .timestampTZ:
            feedTyped(tables.timestampTZBits, at: cell, row: row)
        case .bytes:
            feedTyped(.empty, at: cell, row: row)
        }
    }

    /// Feeds one value as UTF-8 text (a CSV field, a `str` from a plugin).
    /// ASCII spaces and tabs around the text are ignored.
    @inline(__always)
    public mutating func feed(text raw: UnsafeBufferPointer<UInt8>, row: Int) {
        let b = TextScalars.trimmed(raw)
        if b.count <= NullSentinels.maxLength,
            let s = NullSentinels.index(
                of: b, firstBytes: tables.sentinelFirstBytes,
                emptyIndex: tables.emptySentinel)
        {
            recordNull(sentinel: s)
            return
        }
        file.values += 1
        if file.values == 1 { noteExample(String(decoding: b, as: UTF8.self)) }
        if b.count == 4 { noteYear(b) }
        if global.booleanWords.open { global.booleanWords.note(b) }
        let mask = file.mask
        if mask.isEmpty { return }
        var survivors = HypothesisTests.survivors(
            of: b, among: mask, formats: tables.formats,
            fractions: &global.fractionBits)
        // A time written without its seconds (`13:00` among `13:00:00`) is the same time.
        let lostSeconds = mask & ~survivors & HypothesisSpace.secondsBits
        if !lostSeconds.isEmpty { survivors = survivors | keepWithoutSeconds(b, lostSeconds) }
        if survivors != mask { eliminate(mask: mask, survivors: survivors, row: row, text: b, value: nil) }
        // More than one hypothesis stands: do they read this value alike?
        if survivors.bits & (survivors.bits &- 1) != 0 { noteReadings(of: b, survivors: survivors) }
    }

    @inline(__always)
    mutating func feedTyped(_ allowed: CandidateSet, at cell: UnsafePointer<CellValue>, row: Int) {
        file.values += 1
        if file.values == 1 { noteExample(cell.pointee.truncatedText()) }
        let mask = file.mask
        if mask.isEmpty { return }
        let survivors = mask & allowed
        if survivors != mask { eliminate(mask: mask, survivors: survivors, row: row, text: nil, value: cell.pointee) }
    }

    /// Counts a 4-byte value that is a plausible year (`ColumnTally.years`).
    @inline(__always)
    mutating func noteYear(_ b: UnsafeBufferPointer<UInt8>) {
        var v = 0
        for c in b {
            guard c &- 48 < 10 else { return }
            v = v * 10 + Int(c &- 48)
        }
        if ColumnTally.years.contains(Int64(v)) { global.noteYear(v) }
    }

    /// The formats of `lost` (formats with seconds) that read `b` written
    /// without its seconds: they stand, and the value is counted.
    mutating func keepWithoutSeconds(_ b: UnsafeBufferPointer<UInt8>, _ lost: CandidateSet) -> CandidateSet {
        var kept = CandidateSet.empty
        for bit in lost.indices where HypothesisSpace.formats[bit - CandidateSet.firstFormatBit].fitsWithoutSeconds(b) {
            kept = kept | .bit(bit)
        }
        if !kept.isEmpty {
            global.withoutSeconds += 1
            if global.withoutSecondsExample == nil { global.withoutSecondsExample = truncated(String(decoding: b, as: UTF8.self)) }
        }
        return kept
    }

    /// A typed float: float64, or a grouped notation that then has a fraction.
    mutating func feedFraction(at cell: UnsafePointer<CellValue>, row: Int) {
        global.fractionBits |= CandidateSet.grouped.bits
        feedTyped(.float64 | .grouped, at: cell, row: row)
    }

    mutating func noteExample(_ text: String) {
        file.example = text
        if global.example == nil { global.example = text }
    }

    @inline(__always)
    mutating func recordNull(sentinel: Int?) {
        file.nulls += 1
        if let sentinel {
            global.sentinelBits |= 1 << UInt64(sentinel)
            if sentinel != tables.emptySentinel { global.wordNulls += 1 }
        }
    }

    /// True once the column is decided by what was seen so far (one
    /// candidate, or text) with at least `minValues` values and no dissent:
    /// what streaming inference checks before it stops early.
    public func isSettled(minValues: Int) -> Bool {
        guard global.values + file.values >= minValues, global.dissent + file.dissent == 0 else { return false }
        let mask = global.mask & file.mask
        if mask.isEmpty {
            // Text in every file so far is settled; text in some files only is a contradiction in the making.
            return global.groups.keys.allSatisfy { $0 == 0 } && (file.values == 0 || file.mask.isEmpty)
        }
        return HypothesisSpace.reduce(mask, fractionBits: global.fractionBits).count == 1
    }

    /// Non-null values seen so far, over all files.
    public var valuesSeen: Int { global.values + file.values }

    /// Closes the current file: its tally joins the per-file groups.
    mutating func closeFile() {
        defer {
            file = FileTally(mask: start)
            currentFile = nil
        }
        global.nulls += file.nulls
        global.absent += file.absent
        guard file.values > 0 else { return }
        if file.dissent > 0 && file.dissent * options.dissentShare > file.values && !file.mask.isEmpty {
            giveUp()
        }
        global.values += file.values
        global.dissent += file.dissent
        for e in file.dissentSamples where global.dissentSamples.count < options.maxDissentSamples {
            global.dissentSamples.append(e)
        }
        global.mask = global.mask & file.mask
        global.filesWithValues += 1
        var group = global.groups[file.mask.bits] ?? FileGroup()
        group.files += 1
        group.values += file.values
        if group.sampleFiles.count < options.maxFilesNamed, let currentFile { group.sampleFiles.append(currentFile) }
        if group.example == nil { group.example = file.example }
        global.groups[file.mask.bits] = group
    }
}

/// Limits of one column's solver.
public struct SolverOptions: Sendable, Equatable {
    /// Evidence items kept per column.
    public var maxEvidence: Int
    /// Dissenting rows tolerated per file is `values / dissentShare`
    /// (20: 5 %); beyond that the file's column is text. 0 tolerates any
    /// number: for checking values against a proof rather than inferring.
    public var dissentShare: Int
    /// Dissenting rows always tolerated before a file's column counts as text.
    public var dissentFloor: Int
    public var maxDissentSamples: Int
    /// Files named per group in contradictions.
    public var maxFilesNamed: Int

    public init(
        maxEvidence: Int = 24, dissentShare: Int = 20, dissentFloor: Int = 16, maxDissentSamples: Int = 5,
        maxFilesNamed: Int = 5
    ) {
        self.maxEvidence = maxEvidence
        self.dissentShare = dissentShare
        self.dissentFloor = dissentFloor
        self.maxDissentSamples = maxDissentSamples
        self.maxFilesNamed = maxFilesNamed
    }
}

/// What one file said about a column.
struct FileTally: Sendable {
    var mask = CandidateSet.all
    var values = 0
    var nulls = 0
    var absent = 0
    var dissent = 0
    var dissentSamples: [ColumnInference.Evidence] = []
    var firstDissentIsText = true
    var example: String?
}

/// Files whose values left the same hypotheses standing.
struct FileGroup: Sendable {
    var files = 0
    var values = 0
    var sampleFiles: [String] = []
    var example: String?
}

/// Everything a column keeps across files.
struct ColumnTally: Sendable {
    /// The hypotheses every file (with values) left standing.
    var mask = CandidateSet.all
    var values = 0
    var nulls = 0
    var absent = 0
    var dissent = 0
    var filesWithValues = 0
    var sentinelBits: UInt64 = 0
    /// Nulls that were sentinel words (`NA`, `NONE`), not empty text.
    var wordNulls = 0
    /// Optional-fraction formats for which some value had a fraction.
    var fractionBits: UInt64 = 0
    /// Hypotheses for which evidence of elimination is already kept.
    var recorded = CandidateSet.empty
    var evidence: [ColumnInference.Evidence] = []
    var dissentSamples: [ColumnInference.Evidence] = []
    var groups: [UInt64: FileGroup] = [:]
    var example: String?
    /// The first value that was not a plain integer while a grouped notation
    /// still read it: what a question about notations shows.
    var groupedExample: String?
    /// Values a format with seconds read without them (`13:00`), and the first.
    var withoutSeconds = 0
    var withoutSecondsExample: String?
    /// Pairs of hypotheses (`ConstraintSolver.pairKey`) that read some value
    /// differently, with the first such value.
    var disagreements: [Int: String] = [:]
    /// The survivors `readingsReduced` was computed for (a cache: they change rarely).
    var readingsInput: UInt64 = 0
    var readingsFractions: UInt64 = 0
    var readingsReduced: [Int] = []
    /// Values that look like a year: four digits within `years`, and their range.
    var yearLike = 0
    var yearRange: ClosedRange<Int>?
    /// Boolean spellings among the text values, and the other texts.
    var booleanWords = BooleanWords()

    /// The years a 4-digit integer must fall in to look like one.
    static let years: ClosedRange<Int64> = 1700...2100

    mutating func noteYear(_ v: Int) {
        yearLike += 1
        yearRange = yearRange.map { min($0.lowerBound, v)...max($0.upperBound, v) } ?? v...v
    }
}

/// The text values of a column as boolean spellings (`yes`, `N`, `true`, …)
/// and at most one other value (`Don't know`): what makes a text column
/// worth a note naming the boolean reading. Closes, and stops counting,
/// at a second other value.
struct BooleanWords: Sendable {
    var open = true
    var spellings = 0
    var others = 0
    /// The one other value seen (its bytes).
    var other: [UInt8]?

    mutating func note(_ b: UnsafeBufferPointer<UInt8>) {
        if TextScalars.isBoolean(b) {
            spellings += 1
        } else if let other {
            if other.elementsEqual(b) { others += 1 } else { close() }
        } else {
            other = Array(b)
            others = 1
        }
    }

    mutating func close() {
        open = false
        other = nil
    }
}

/// The solver's lookup tables, built once and shared by every column.
struct SolverTables: @unchecked Sendable {
    let formats: UnsafeMutableBufferPointer<HypothesisTests.CompiledFormat>
    let sentinelFirstBytes: UnsafeMutablePointer<Bool>
    let emptySentinel: Int
    let nanIndex: Int?
    let dateBits: CandidateSet
    let timeBits: CandidateSet
    let timestampBits: CandidateSet
    let timestampTZBits: CandidateSet

    static let shared = SolverTables(
        formats: HypothesisTests.compiled, sentinelFirstBytes: NullSentinels.firstBytes,
        emptySentinel: NullSentinels.emptyIndex, nanIndex: NullSentinels.nanIndex,
        dateBits: HypothesisSpace.dateBits, timeBits: HypothesisSpace.timeBits,
        timestampBits: HypothesisSpace.timestampBits, timestampTZBits: HypothesisSpace.timestampTZBits)
}
