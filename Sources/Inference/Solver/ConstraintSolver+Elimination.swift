import CasparianCore

extension ConstraintSolver {
    /// The slow path: a value eliminated hypotheses (keep the evidence), or
    /// fits none of those standing (a dissenting row, or the column is text).
    mutating func eliminate(
        mask: CandidateSet, survivors: CandidateSet, row: Int,
        text: UnsafeBufferPointer<UInt8>?, value: CellValue?
    ) {
        let shown = text.map { String(decoding: $0, as: UTF8.self) } ?? value?.truncatedText() ?? ""
        if survivors.isEmpty {
            file.dissent += 1
            if file.dissent == 1 { file.firstDissentIsText = text != nil }
            if file.dissentSamples.count < options.maxDissentSamples {
                file.dissentSamples.append(
                    .init(
                        file: currentFile, row: row, value: truncated(shown), eliminated: [],
                        reason: "fits none of \(describe(mask))"))
            }
            if file.dissent >= options.dissentFloor && file.dissent * options.dissentShare > file.values {
                giveUp()
            }
            return
        }
        file.mask = survivors
        if global.groupedExample == nil, mask.contains(.int64), !survivors.contains(.int64), survivors.intersects(.grouped) {
            global.groupedExample = truncated(shown)
        }
        let fresh = mask & ~survivors & ~global.recorded
        guard !fresh.isEmpty else { return }
        global.recorded = global.recorded | fresh
        for (reason, bits) in reasons(for: fresh, text: text, value: value) {
            guard global.evidence.count < options.maxEvidence else { break }
            global.evidence.append(
                .init(
                    file: currentFile, row: row, value: truncated(shown),
                    eliminated: HypothesisSpace.labels(bits), reason: reason))
        }
    }

    /// The file's values are mostly not any typed hypothesis: it is text.
    /// The first dissenting value is the evidence, with the reason each
    /// hypothesis failed on it.
    mutating func giveUp() {
        let fresh = file.mask & ~global.recorded
        if !fresh.isEmpty, let first = file.dissentSamples.first {
            global.recorded = global.recorded | fresh
            let share = "; \(file.dissent) of \(file.values) values in this file fit no typed candidate"
            var text = first.value
            let grouped =
                file.firstDissentIsText
                ? text.withUTF8 { reasons(for: fresh, text: $0, value: nil) }
                : [("the plugin yielded a value of another type", fresh)]
            for (reason, bits) in grouped where global.evidence.count < options.maxEvidence {
                global.evidence.append(
                    .init(
                        file: first.file, row: first.row, value: first.value,
                        eliminated: HypothesisSpace.labels(bits), reason: reason + share))
            }
        }
        file.mask = .empty
        file.dissentSamples = []
        file.dissent = 0
    }

    /// Groups the eliminated hypotheses by the reason each failed; domain
    /// violations (month 13, leading zero) come first.
    private func reasons(
        for bits: CandidateSet, text: UnsafeBufferPointer<UInt8>?,
        value: CellValue?
    ) -> [(String, CandidateSet)] {
        guard let text else {
            return [("the plugin yielded a \(value?.kindName ?? "value")", bits)]
        }
        var groups: [(String, CandidateSet, Bool)] = []
        for bit in bits.indices {
            let (reason, range) = HypothesisTests.reason(text, bit: bit)
            if let k = groups.firstIndex(where: { $0.0 == reason }) {
                groups[k].1 = groups[k].1 | .bit(bit)
            } else {
                groups.append((reason, .bit(bit), range))
            }
        }
        return groups.filter(\.2).map { ($0.0, $0.1) } + groups.filter { !$0.2 }.map { ($0.0, $0.1) }
    }

    func describe(_ mask: CandidateSet) -> String {
        let labels = HypothesisSpace.labels(HypothesisSpace.reduce(mask, fractionBits: global.fractionBits))
        return labels.count <= 3 ? labels.joined(separator: ", ") : "\(labels.count) remaining candidates"
    }

    func truncated(_ s: String) -> String { s.count <= 80 ? s : String(s.prefix(80)) + "…" }
}
