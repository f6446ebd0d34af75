import CasparianCore

extension ConstraintSolver {
    /// What the values prove so far (the current file included).
    public func result() -> ColumnInference {
        var copy = self
        copy.closeFile()
        return copy.decide()
    }

    func decide() -> ColumnInference {
        let g = global
        var out = ColumnInference(
            name: name, type: .string, nullable: g.nulls > 0 || g.absent > 0,
            nullSentinels: NullSentinels.texts(g.sentinelBits), status: .resolved,
            evidence: g.evidence, valuesAnalysed: g.values, nullCount: g.nulls + g.absent)
        out.missingCount = g.absent
        guard g.values > 0 else {
            // Nothing to prove a type from: the widest type loses nothing, and says so.
            out.nullable = true
            out.note =
                "no values, only \(out.nullCount) null\(out.nullCount == 1 ? "" : "s"): nothing proves a type, so it is "
                + "string (the widest), nullable; to lock another type answer \(answerSyntax("TYPE"))"
            return out
        }
        let proven = HypothesisSpace.reduce(g.mask, fractionBits: g.fractionBits)
        if !proven.isEmpty {
            let candidates = proven.indices.map { HypothesisSpace.candidate(bit: $0, fractionBits: g.fractionBits) }
            if g.dissent > 0 {
                return dirtyMinority(out, candidates)
            }
            if candidates.count == 1 {
                out.type = candidates[0].type
                out.format = candidates[0].format
                if out.type == .int64, out.format == nil, g.yearLike == g.values, let years = g.yearRange {
                    return yearsNote(out, years)
                }
                if proven == .percent {
                    out.note =
                        "percentages (a number and %): read as float64 with the % sign dropped "
                        + "(73.20% is 73.2, not 0.732), format \(out.format ?? "0.#%"); to keep the text answer \(answerSyntax("string"))"
                    return out
                }
                if g.withoutSeconds > 0, let example = g.withoutSecondsExample,
                    HypothesisSpace.secondsBits.contains(proven)
                {
                    out.note =
                        "\(g.withoutSeconds) value\(g.withoutSeconds == 1 ? " has" : "s have") no seconds (e.g. \(example)): "
                        + "read as :00, the same time, so it is \(Self.choice(candidates[0]))"
                }
                return out
            }
            let counterexample = counterexample(among: proven.indices)
            guard let counterexample else { return oneReading(out, candidates) }
            out.status = .ambiguous
            out.candidates = candidates
            out.counterexample = counterexample
            let types = Set(candidates.map(\.type))
            if types.count == 1 { out.type = candidates[0].type }
            let numbers = proven.intersects(.grouped) && (CandidateSet.grouped | .float64).contains(proven)
            out.question =
                numbers
                ? numberQuestion(candidates, example: counterexample)
                : ambiguityQuestion(candidates, bits: proven.indices, sameType: types.count == 1, example: counterexample)
            return out
        }
        return fileContradiction(out) ?? booleanWithOtherValue(keepWordsAsText(out))
    }

    /// Integers that all look like years (four digits, 1700–2100) are
    /// int64 — the numbers lose nothing — but could be dates: the note
    /// names that reading and the answer that picks it, so the choice is
    /// never silent.
    private func yearsNote(_ base: ColumnInference, _ years: ClosedRange<Int>) -> ColumnInference {
        var out = base
        out.candidates = [.init(type: .int64), .init(type: .date, format: "%Y")]
        let span = years.lowerBound == years.upperBound ? "\(years.lowerBound)" : "from \(years.lowerBound) to \(years.upperBound)"
        out.note =
            "every value is a four-digit number \(span), like a year: it stays int64 (the numbers lose nothing); "
            + "to read them as dates (1 January of each year) answer \(answerSyntax("date:%Y"))"
        return out
    }

    /// A text column of boolean spellings and one other value, a minority
    /// (`Yes`/`No`/`Don't know`): string keeps every value, and the note
    /// names the boolean reading, the other value, and the answer that
    /// locks boolean (the other value's rows then fail validation).
    private func booleanWithOtherValue(_ base: ColumnInference) -> ColumnInference {
        let words = global.booleanWords
        guard base.type == .string, base.status == .resolved, base.note == nil, words.open, words.spellings > 0,
            let other = words.other, words.others * 2 < words.spellings + words.others
        else { return base }
        var out = base
        out.candidates = [.init(type: .boolean)]
        let text = truncated(String(decoding: other, as: UTF8.self))
        out.note =
            "\(words.spellings) of \(words.spellings + words.others) values are boolean (yes/no, true/false, y/n, t/f, 0/1) "
            + "and \(words.others) \(words.others == 1 ? "is" : "are") \"\(text)\", so it is string and nothing is lost; "
            + "to lock boolean answer \(answerSyntax("boolean")) (the \"\(text)\" rows then fail validation: handle them in a parser)"
        return out
    }

    /// In a text column nothing shows that `NONE` or `NA` means "no value"
    /// (TPC-H ships `NONE` as an instruction), so those words stay data;
    /// only empty text is null.
    private func keepWordsAsText(_ base: ColumnInference) -> ColumnInference {
        guard global.wordNulls > 0 else { return base }
        var out = base
        let words = out.nullSentinels.filter { !$0.isEmpty }
        out.nullSentinels = out.nullSentinels.filter(\.isEmpty)
        out.valuesAnalysed += global.wordNulls
        out.nullCount -= global.wordNulls
        out.nullable = out.nullCount > 0
        if out.evidence.count < options.maxEvidence {
            out.evidence.append(
                .init(
                    file: nil, row: nil, value: words.joined(separator: ", "), eliminated: [],
                    reason: "\(global.wordNulls) null-looking words kept as text: in a string column "
                        + "nothing proves they mean null"))
        }
        return out
    }

    /// `--answer COL=TYPE`, quoted for a shell when it needs to be.
    func answerSyntax(_ choice: String) -> String {
        "--answer " + ShellWord.quoted("\(name)=\(choice)")
    }

    /// "int64", "date:%d/%m/%Y": a candidate as an answer names it.
    static func choice(_ c: ColumnInference.Candidate) -> String {
        c.format.map { "\(c.type.rawValue):\($0)" } ?? c.type.rawValue
    }

    /// Several candidates stand, and each reads every value seen alike: the
    /// choice changes no data. The column takes the first (int64 over
    /// boolean for a column of 0 and 1: numbers keep arithmetic), keeps the
    /// others as candidates, and a note names them and how to choose one.
    private func oneReading(_ base: ColumnInference, _ candidates: [ColumnInference.Candidate]) -> ColumnInference {
        var out = base
        let chosen = candidates.first { $0.type == .int64 } ?? candidates[0]
        out.type = chosen.type
        out.format = chosen.format
        out.candidates = candidates
        let others = candidates.filter { $0 != chosen }.map(Self.choice)
        let example = global.example.map { " (e.g. \($0))" } ?? ""
        out.note =
            "every value reads the same as \(Self.choice(chosen)) or \(others.joined(separator: " or "))\(example), "
            + "so the choice changes no data: \(Self.choice(chosen)); to lock another answer \(answerSyntax(others[0]))"
        return out
    }

    private func ambiguityQuestion(_ candidates: [ColumnInference.Candidate], bits: [Int], sameType: Bool, example: String) -> String {
        let names = candidates.map { c -> String in
            guard let f = c.format else { return c.type.rawValue }
            return sameType ? f : "\(c.type.rawValue) \(f)"
        }
        let list =
            names.count == 2
            ? "both \(names[0]) and \(names[1])"
            : names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
        let readings = zip(candidates, bits).map { c, bit -> String in
            let read = Self.reading(example, bit, fractionBits: global.fractionBits).map(Self.describe) ?? "?"
            return "\(read) as \(Self.choice(c))"
        }
        return "\(name): every value fits \(list), and they read values differently: \(example) is "
            + readings.joined(separator: ", ") + ". Which is it? Answer e.g. \(answerSyntax(Self.choice(candidates[0])))"
    }

    static func describe(_ r: Reading) -> String {
        switch r {
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .truth(let b): return String(b)
        case .instant(let v): return v.truncatedText()
        }
    }

    /// Grouped numbers that read differently by notation (`1,234`: 1234
    /// with a thousands comma, 1.234 with a decimal comma): the question
    /// shows what a value would be under each.
    private func numberQuestion(_ candidates: [ColumnInference.Candidate], example: String) -> String {
        let readings = candidates.map { c -> String in
            guard let format = c.format else {
                return Double(example).map { "\($0) as \(c.type.rawValue)" } ?? c.type.rawValue
            }
            switch NumberFormat.parse(pattern: format).flatMap({ $0.format.value(of: example, as: c.type) }) {
            case .int(let v)?: return "\(v) as \(c.type.rawValue) \(format)"
            case .float(let v)?: return "\(v) as \(c.type.rawValue) \(format)"
            default: return "\(c.type.rawValue) \(format)"
            }
        }
        let list = readings.dropLast().joined(separator: ", ") + " or " + readings[readings.count - 1]
        return "\(name): the values fit more than one number notation: \(example) is \(list). Which is it? "
            + "Answer e.g. \(answerSyntax(Self.choice(candidates[0])))"
    }

    /// Most values fit a type, a few rows do not (ZIP+4 codes among ZIP
    /// codes, `n.d.` among numbers): the column is text, which loses
    /// nothing, and the note says which type the rest fit, shows the rows
    /// that do not, and how to lock the type instead (those rows then fail
    /// validation, for the parser to handle). Never a silent coercion.
    private func dirtyMinority(_ base: ColumnInference, _ candidates: [ColumnInference.Candidate]) -> ColumnInference {
        var out = base
        out.candidates = candidates
        out.evidence += global.dissentSamples
        let fits = candidates.map(Self.choice).joined(separator: " or ")
        let rows = global.dissentSamples.prefix(3).map { e in
            "\(e.file.map { "\($0) " } ?? "")row \(e.row ?? 0): \(e.value)"
        }.joined(separator: "; ")
        let fit = global.values - global.dissent
        out.note =
            "\(fit) of \(global.values) values fit \(fits) but \(global.dissent) \(global.dissent == 1 ? "does" : "do") not "
            + "(\(rows)), so it is string and nothing is lost; to lock \(fits) answer \(answerSyntax(Self.choice(candidates[0]))) "
            + "(those rows then fail validation: handle them in a parser)"
        out.distribution = [
            .init(candidate: fits, files: global.filesWithValues, values: fit, sampleFiles: []),
            .init(
                candidate: "none", files: Set(global.dissentSamples.compactMap(\.file)).count,
                values: global.dissent, sampleFiles: Array(Set(global.dissentSamples.compactMap(\.file))).sorted()),
        ]
        return out
    }

    /// No hypothesis holds in every file, but one holds in at least half of
    /// them: the files disagree (e.g. month-first here, day-first there).
    private func fileContradiction(_ base: ColumnInference) -> ColumnInference? {
        let groups = global.groups
        guard global.filesWithValues >= 2 else { return nil }
        var coverage: [Int: Int] = [:]
        for (bits, group) in groups {
            for bit in HypothesisSpace.reduce(CandidateSet(bits: bits), fractionBits: global.fractionBits).indices {
                coverage[bit, default: 0] += group.files
            }
        }
        guard let (best, covered) = coverage.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }),
            covered * 2 >= global.filesWithValues
        else { return nil }
        let bestSet = CandidateSet.bit(best)
        // Disagreeing files, grouped by what they fit instead.
        var others: [String: (files: Int, values: Int, sample: [String], candidate: ColumnInference.Candidate?, example: String?)] = [:]
        for (bits, group) in groups.sorted(by: { $0.value.files > $1.value.files })
        where !HypothesisSpace.reduce(CandidateSet(bits: bits), fractionBits: global.fractionBits).contains(bestSet) {
            let reduced = HypothesisSpace.reduce(CandidateSet(bits: bits), fractionBits: global.fractionBits)
            let label = describeGroup(reduced)
            var entry =
                others[label] ?? (
                    0, 0, [],
                    reduced.indices.first.map {
                        HypothesisSpace.candidate(bit: $0, fractionBits: global.fractionBits)
                    }, group.example
                )
            entry.files += group.files
            entry.values += group.values
            entry.sample += group.sampleFiles.prefix(max(0, options.maxFilesNamed - entry.sample.count))
            others[label] = entry
        }
        let bestCandidate = HypothesisSpace.candidate(bit: best, fractionBits: global.fractionBits)
        var out = base
        out.status = .contradiction
        out.candidates = [bestCandidate] + others.values.compactMap(\.candidate)
        let bestLabel = describeGroup(bestSet)
        out.distribution = [
            .init(
                candidate: bestLabel, files: covered,
                values: groups.filter { CandidateSet(bits: $0.key).contains(bestSet) }
                    .map(\.value.values).reduce(0, +), sampleFiles: [])
        ]
        var parts: [String] = []
        for (label, e) in others.sorted(by: { $0.value.files > $1.value.files }) {
            out.distribution?.append(.init(candidate: label, files: e.files, values: e.values, sampleFiles: e.sample))
            let more = e.files > e.sample.count ? ", … (\(e.files - e.sample.count) more)" : ""
            parts.append("\(e.files) \(e.files == 1 ? "file" : "files") \(label): \(e.sample.joined(separator: ", "))\(more)")
            if out.evidence.count < options.maxEvidence {
                out.evidence.append(
                    .init(
                        file: e.sample.first, row: nil, value: e.example ?? "",
                        eliminated: HypothesisSpace.labels(bestSet),
                        reason: "\(e.files) of \(global.filesWithValues) files are \(label)"))
            }
        }
        out.question =
            "\(name): \(covered) \(covered == 1 ? "file" : "files") \(bestLabel), "
            + parts.joined(separator: "; ")
            + ". Which is right for each group of files — should the parser handle both?"
        return out
    }

    /// "month-first (%m/%d/%Y)", "int64", "text": how questions name what a
    /// group of files fits.
    func describeGroup(_ set: CandidateSet) -> String {
        if set.isEmpty { return "text (no typed candidate)" }
        let parts = set.indices.map { bit -> String in
            let c = HypothesisSpace.candidate(bit: bit, fractionBits: global.fractionBits)
            guard let f = c.format else { return c.type.rawValue }
            if let order = HypothesisSpace.format(ofBit: bit)?.fieldOrder { return "\(order) (\(f))" }
            return "\(c.type.rawValue) \(f)"
        }
        return parts.count == 1 ? parts[0] : "ambiguous (" + parts.joined(separator: " or ") + ")"
    }
}
