import CasparianCore

/// What other modules need to keep a column's proof and judge later values
/// against it (the backtest's `ProvenTypesChecker`): the hypotheses as a
/// value, and a solver that starts from them.
extension CandidateSet {
    /// Every hypothesis: a column no value has constrained yet.
    public static var unconstrained: CandidateSet { all }
    /// No typed hypothesis: a text column, which every value fits.
    public static var text: CandidateSet { empty }

    public var isUnconstrained: Bool { self == .all }
    public var isText: Bool { isEmpty }

    public func intersection(_ other: CandidateSet) -> CandidateSet { self & other }

    /// The hypotheses of a discovery's column: `int64` is int64 alone (a
    /// value with a fraction does not fit it), a temporal type without a
    /// format is its typed values, `string` adds nothing. Nil when a format
    /// is not one the solver knows.
    public init?(candidates: [ColumnInference.Candidate]) {
        var set = CandidateSet.empty
        for c in candidates {
            switch (c.type, c.format) {
            case (.string, _): continue
            case (.boolean, _): set = set | .boolean
            case (.int64, _): set = set | .int64
            case (.float64, _): set = set | .float64
            case (.date, nil): set = set | .nativeDate
            case (.time, nil): set = set | .nativeTime
            case (.timestamp, nil): set = set | .nativeTimestamp
            case (.timestampTZ, nil): set = set | .nativeTimestampTZ
            case (let type, let format?):
                let bits = HypothesisSpace.formats.indices.filter {
                    let f = HypothesisSpace.formats[$0]
                    return f.type == type && (f.pattern == format || f.patternWithoutFraction == format)
                }
                guard !bits.isEmpty else { return nil }
                for k in bits { set = set | .bit(CandidateSet.firstFormatBit + k) }
            }
        }
        self = set
    }

    /// The hypotheses as discovery names them: int64 stands for int64 and
    /// float64, typed temporal values for their text formats. A set does not
    /// know which values had fractions, so a grouped notation is taken as
    /// float64 and plain float64 subsumes it (`2.5` reads the same in both).
    public var candidates: [ColumnInference.Candidate] {
        let fractions = CandidateSet.grouped.bits
        return HypothesisSpace.reduce(self, fractionBits: fractions).indices.map {
            HypothesisSpace.candidate(bit: $0, fractionBits: fractions)
        }
    }

    /// The types of the hypotheses (formats folded into their type).
    public var types: Set<DataType> { Set(indices.map(HypothesisSpace.type(ofBit:))) }

    /// One label per hypothesis, as evidence names eliminated ones
    /// (`int64`, `date %m/%d/%Y`).
    public var labels: [String] { indices.map(HypothesisSpace.label(ofBit:)) }
}

extension ConstraintSolver {
    /// The hypotheses every value fed so far fits.
    public var standing: CandidateSet { global.mask & file.mask }

    /// Nulls (null values, null sentinels, absent cells) fed so far.
    public var nullsSeen: Int { global.nulls + global.absent + file.nulls + file.absent }

    /// Values that fit none of the hypotheses standing when they came, and
    /// the first of them (`SolverOptions.maxDissentSamples`) with their rows.
    public var dissent: (count: Int, samples: [ColumnInference.Evidence]) {
        (global.dissent + file.dissent, Array((global.dissentSamples + file.dissentSamples).prefix(options.maxDissentSamples)))
    }

    /// Ends the current file: its values join the column's tally (a file
    /// mostly of text turns the column to text, unless `dissentShare` is 0).
    public mutating func endFile() { closeFile() }
}
