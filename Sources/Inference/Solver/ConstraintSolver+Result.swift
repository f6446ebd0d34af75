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
            out.status = .ambiguous
            out.question = "\(name): no values, only \(out.nullCount) nulls, so nothing is proven. What type is it?"
            return out
        }
        let proven = HypothesisSpace.reduce(g.mask, fractionBits: g.fractionBits)
        if !proven.isEmpty {
            let candidates = proven.indices.map { HypothesisSpace.candidate(bit: $0, fractionBits: g.fractionBits) }
            if g.dissent > 0 {
                return rowContradiction(out, candidates)
            }
            if candidates.count == 1 {
                out.type = candidates[0].type
                out.format = candidates[0].format
                return out
            }
            out.status = .ambiguous
            out.candidates = candidates
            let types = Set(candidates.map(\.type))
            if types.count == 1 { out.type = candidates[0].type }
            let numbers = proven.intersects(.grouped) && (CandidateSet.grouped | .float64).contains(proven)
            out.question = numbers ? numberQuestion(candidates) : ambiguityQuestion(candidates, sameType: types.count == 1)
            return out
        }
        return fileContradiction(out) ?? keepWordsAsText(out)
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
            out.evidence.append(.init(file: nil, row: nil, value: words.joined(separator: ", "), eliminated: [],
                                      reason: "\(global.wordNulls) null-looking words kept as text: in a string column "
                                          + "nothing proves they mean null"))
        }
        return out
    }

    private func ambiguityQuestion(_ candidates: [ColumnInference.Candidate], sameType: Bool) -> String {
        let names = candidates.map { c -> String in
            guard let f = c.format else { return c.type.rawValue }
            return sameType ? f : "\(c.type.rawValue) \(f)"
        }
        let list = names.count == 2 ? "both \(names[0]) and \(names[1])"
            : names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
        let example = global.example.map { " (e.g. \($0))" } ?? ""
        return "\(name): every value fits \(list)\(example). Which is it?"
    }

    /// Grouped numbers that read differently by notation (`1,234`: 1234
    /// with a thousands comma, 1.234 with a decimal comma): the question
    /// shows what a value would be under each.
    private func numberQuestion(_ candidates: [ColumnInference.Candidate]) -> String {
        let example = global.groupedExample ?? global.example ?? ""
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
        return "\(name): the values fit more than one number notation: \(example) is \(list). Which is it?"
    }

    /// Most values fit a type, a few rows do not.
    private func rowContradiction(_ base: ColumnInference, _ candidates: [ColumnInference.Candidate]) -> ColumnInference {
        var out = base
        out.status = .contradiction
        out.candidates = candidates
        out.evidence += global.dissentSamples
        let fits = candidates.map { $0.format.map { "\($0)" } ?? $0.type.rawValue }.joined(separator: " or ")
        let rows = global.dissentSamples.prefix(3).map { e in
            "\(e.file.map { "\($0) " } ?? "")row \(e.row ?? 0): \(e.value)"
        }.joined(separator: "; ")
        out.question = "\(name): \(global.values - global.dissent) values fit \(fits) but \(global.dissent) "
            + "\(global.dissent == 1 ? "does" : "do") not (\(rows)). Are those rows errors to fix in the parser, "
            + "or is the column text?"
        out.distribution = [
            .init(candidate: fits, files: global.filesWithValues, values: global.values - global.dissent,
                  sampleFiles: []),
            .init(candidate: "none", files: Set(global.dissentSamples.compactMap(\.file)).count,
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
            for bit in HypothesisSpace.reduce(CandidateSet(bits: bits), fractionBits: global.fractionBits).indices { coverage[bit, default: 0] += group.files }
        }
        guard let (best, covered) = coverage.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }),
              covered * 2 >= global.filesWithValues else { return nil }
        let bestSet = CandidateSet.bit(best)
        // Disagreeing files, grouped by what they fit instead.
        var others: [String: (files: Int, values: Int, sample: [String], candidate: ColumnInference.Candidate?, example: String?)] = [:]
        for (bits, group) in groups.sorted(by: { $0.value.files > $1.value.files })
            where !HypothesisSpace.reduce(CandidateSet(bits: bits), fractionBits: global.fractionBits).contains(bestSet) {
            let reduced = HypothesisSpace.reduce(CandidateSet(bits: bits), fractionBits: global.fractionBits)
            let label = describeGroup(reduced)
            var entry = others[label] ?? (0, 0, [], reduced.indices.first.map {
                HypothesisSpace.candidate(bit: $0, fractionBits: global.fractionBits) }, group.example)
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
        out.distribution = [.init(candidate: bestLabel, files: covered,
                                  values: groups.filter { CandidateSet(bits: $0.key).contains(bestSet) }
                                      .map(\.value.values).reduce(0, +), sampleFiles: [])]
        var parts: [String] = []
        for (label, e) in others.sorted(by: { $0.value.files > $1.value.files }) {
            out.distribution?.append(.init(candidate: label, files: e.files, values: e.values, sampleFiles: e.sample))
            let more = e.files > e.sample.count ? ", … (\(e.files - e.sample.count) more)" : ""
            parts.append("\(e.files) \(e.files == 1 ? "file" : "files") \(label): \(e.sample.joined(separator: ", "))\(more)")
            if out.evidence.count < options.maxEvidence {
                out.evidence.append(.init(file: e.sample.first, row: nil, value: e.example ?? "",
                                          eliminated: HypothesisSpace.labels(bestSet),
                                          reason: "\(e.files) of \(global.filesWithValues) files are \(label)"))
            }
        }
        out.question = "\(name): \(covered) \(covered == 1 ? "file" : "files") \(bestLabel), "
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
