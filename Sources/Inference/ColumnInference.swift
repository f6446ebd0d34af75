import CasparianCore

/// What the solver concluded about one column. The JSON form is the stable
/// interface of `casparian discover --json` and the MCP `discover_schemas`
/// tool: keep these field names; add fields freely.
public struct ColumnInference: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Exactly one type (and format) survived: it is proven by the values.
        case resolved
        /// More than one candidate survived; `question` asks which.
        case ambiguous
        /// Files or rows disagree (e.g. some month-first, some day-first).
        case contradiction
    }

    /// One piece of evidence: a value that eliminated a candidate, or that
    /// supports the result. `row` is the 0-based data row in `file` (a
    /// header line is not counted).
    public struct Evidence: Codable, Sendable, Equatable {
        public var file: String?
        public var row: Int?
        public var value: String
        public var eliminated: [String]
        public var reason: String
        public init(file: String?, row: Int?, value: String, eliminated: [String], reason: String) {
            self.file = file
            self.row = row
            self.value = value
            self.eliminated = eliminated
            self.reason = reason
        }
    }

    /// A type (with format) still possible for an ambiguous column.
    public struct Candidate: Codable, Sendable, Equatable {
        public var type: DataType
        public var format: String?
        public init(type: DataType, format: String? = nil) {
            self.type = type
            self.format = format
        }
        enum CodingKeys: String, CodingKey { case type, format }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(type, forKey: .type)
            try c.encode(format, forKey: .format)  // explicit null
        }
    }

    public var name: String
    public var type: DataType
    public var format: String?
    public var nullable: Bool
    public var nullSentinels: [String]
    public var status: Status
    public var candidates: [Candidate]
    public var evidence: [Evidence]
    public var question: String?
    /// For an ambiguous column: a value the candidates read differently
    /// (`03/04/2024`), the one its question shows. Nil in discoveries
    /// stored before it was kept.
    public var counterexample: String?
    /// Non-null values seen.
    public var valuesAnalysed: Int
    public var nullCount: Int
    /// Of `nullCount`, rows that lacked the column altogether (a dict row
    /// without the key, a file without the column). Approval gives such a
    /// column a null default, so the rows discovery accepted validate.
    /// Nil in discoveries stored before it was counted.
    public var missingCount: Int?
    /// For a contradiction: how many files (and values) fit each side.
    public var distribution: [Share]?
    /// For a column settled without a question although the data alone did
    /// not single out its type (no values; candidates that read every value
    /// alike; a few values that fit no type): what was chosen, the
    /// alternative, and the `--answer` that chooses it at approval.
    public var note: String?

    /// One side of a contradiction: what the files fit, how many, and some names.
    public struct Share: Codable, Sendable, Equatable {
        public var candidate: String
        public var files: Int
        public var values: Int
        public var sampleFiles: [String]
        public init(candidate: String, files: Int, values: Int, sampleFiles: [String]) {
            self.candidate = candidate
            self.files = files
            self.values = values
            self.sampleFiles = sampleFiles
        }
        enum CodingKeys: String, CodingKey {
            case candidate, files, values
            case sampleFiles = "sample_files"
        }
    }

    public init(
        name: String, type: DataType, format: String? = nil, nullable: Bool, nullSentinels: [String] = [],
        status: Status, candidates: [Candidate] = [], evidence: [Evidence] = [], question: String? = nil,
        valuesAnalysed: Int = 0, nullCount: Int = 0
    ) {
        self.name = name
        self.type = type
        self.format = format
        self.nullable = nullable
        self.nullSentinels = nullSentinels
        self.status = status
        self.candidates = candidates
        self.evidence = evidence
        self.question = question
        self.valuesAnalysed = valuesAnalysed
        self.nullCount = nullCount
    }

    enum CodingKeys: String, CodingKey {
        case name, type, format, nullable, status, candidates, evidence, question
        case nullSentinels = "null_sentinels"
        case valuesAnalysed = "values_analysed"
        case nullCount = "null_count"
        case missingCount = "missing_count"
        case distribution, note, counterexample
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(type, forKey: .type)
        try c.encode(format, forKey: .format)  // explicit null, as documented
        try c.encode(nullable, forKey: .nullable)
        try c.encode(nullSentinels, forKey: .nullSentinels)
        try c.encode(status, forKey: .status)
        try c.encode(candidates, forKey: .candidates)
        try c.encode(evidence, forKey: .evidence)
        try c.encode(question, forKey: .question)
        try c.encode(valuesAnalysed, forKey: .valuesAnalysed)
        try c.encode(nullCount, forKey: .nullCount)
        try c.encodeIfPresent(missingCount, forKey: .missingCount)
        try c.encodeIfPresent(distribution, forKey: .distribution)
        try c.encodeIfPresent(note, forKey: .note)
        try c.encodeIfPresent(counterexample, forKey: .counterexample)
    }
}

/// The columns of one plugin output, in the order the plugin emits them.
public struct OutputInference: Codable, Sendable, Equatable {
    public var name: String
    public var columns: [ColumnInference]
    /// The files read into this output (the built-in reader's family of
    /// files with the same columns), in discovery order; nil when not known.
    public var files: [String]?
    public var fileCount: Int?
    /// Columns whose names differ only in case, spaces or punctuation
    /// (`BENCHMARK NUMBER`, `benchmark_number`): probably one column, spelled
    /// differently by different files.
    public var nearDuplicates: [NearDuplicate]?

    /// Spellings of one column name, each with (some of) the files that use it.
    public struct NearDuplicate: Codable, Sendable, Equatable {
        public var spellings: [String]
        public var files: [String: [String]]
        public init(spellings: [String], files: [String: [String]]) {
            self.spellings = spellings
            self.files = files
        }
    }

    public init(name: String, columns: [ColumnInference], files: [String]? = nil) {
        self.name = name
        self.columns = columns
        self.files = files
        self.fileCount = files?.count
    }

    enum CodingKeys: String, CodingKey {
        case name, columns, files
        case fileCount = "file_count"
        case nearDuplicates = "near_duplicates"
    }
}

/// A whole discovery: `{"files": N, "rows": N, "outputs": [...]}`.
public struct DiscoveryResult: Codable, Sendable, Equatable {
    public var files: Int
    public var rows: Int
    public var outputs: [OutputInference]
    /// Files the built-in reader left alone (another format than CSV/TSV),
    /// named relative to the discovery's root (the scope's root, or the
    /// folder discovered) so approval can exclude them portably; nil when
    /// none were skipped or the discovery was stored before they were kept.
    public var skippedFiles: [SkippedFile]?

    /// A file discovery skipped, and its format (`html/xml`, `json (gzip)`).
    public struct SkippedFile: Codable, Sendable, Equatable {
        public var file: String
        public var format: String
        public init(file: String, format: String) {
            self.file = file
            self.format = format
        }
    }

    public init(files: Int, rows: Int, outputs: [OutputInference]) {
        self.files = files
        self.rows = rows
        self.outputs = outputs
    }

    enum CodingKeys: String, CodingKey {
        case files, rows, outputs
        case skippedFiles = "skipped_files"
    }
}
