import CasparianCore
import Inference

extension AmendmentProposal {
    /// Proposals that would make the violations in `summary` valid, one per
    /// output: values that do not fit widen the type (int64 → float64 →
    /// string) or get a format that reads them; nulls make a column
    /// nullable; a column missing from some files becomes nullable with a
    /// null default; a new column seen in some files is added nullable,
    /// with the files (and their folder pattern) where it appears.
    ///
    /// Groups that no contract change can fix (an int where a string is
    /// locked: the parser should emit text) are left out; the caller sees
    /// them in the summary.
    public static func fromEvidence(_ summary: ViolationSummary, contract: SchemaContract) -> [AmendmentProposal] {
        var byOutput: [String: [ViolationSummary.Group]] = [:]
        var outputs: [String] = []
        for g in summary.groups {
            if byOutput[g.output] == nil { outputs.append(g.output) }
            byOutput[g.output, default: []].append(g)
        }
        return outputs.compactMap { output in
            guard let schema = contract.schema(for: output) else { return nil }
            let groups = byOutput[output]!
            var changes: [SchemaChange] = []
            var reasons: [String] = []
            var used: [ViolationSummary.Group] = []
            // One decision per column and kind, from all its groups together.
            var seen: Set<String> = []
            for g in groups where seen.insert("\(g.kind.rawValue)|\(g.column)").inserted {
                let same = groups.filter { $0.kind == g.kind && $0.column == g.column }
                let values = same.flatMap { $0.samples.map(\.got) }
                let count = same.map(\.count).reduce(0, +)
                let files = Set(same.flatMap(\.affectedFiles)).count
                let column = schema.column(named: g.column)
                var proposed: [SchemaChange] = []
                switch g.kind {
                case .typeMismatch:
                    guard let column else { continue }
                    if let (type, format) = numberReading(values, type: column.type) {
                        proposed = [
                            type == column.type
                                ? .setFormat(column: column.name, format: format)
                                : .changeType(column: column.name, type: type, format: format)
                        ]
                        reasons.append(
                            "\(count) value\(plural(count)) of \(g.column) in \(files) file\(plural(files)) are \(type.rawValue) written as \(format) (e.g. \(quoted(values)))"
                        )
                        break
                    }
                    guard let wider = widen(column.type, values: values, types: same.map(\.gotType)) else { continue }
                    proposed = [.changeType(column: column.name, type: wider, format: NumberFormat.pattern(column.format, as: wider))]
                    reasons.append(
                        "\(count) value\(plural(count)) of \(g.column) in \(files) file\(plural(files)) are not \(column.type.rawValue) (e.g. \(quoted(values)))"
                    )
                case .formatMismatch:
                    guard let column else { continue }
                    if let format = formatReading(values, type: column.type) {
                        proposed = [.setFormat(column: column.name, format: format)]
                        reasons.append(
                            "\(count) value\(plural(count)) of \(g.column) in \(files) file\(plural(files)) are written as \(format), not \(column.format ?? "ISO 8601") (e.g. \(quoted(values)))"
                        )
                    } else {
                        proposed = [.changeType(column: column.name, type: .string, format: nil)]
                        reasons.append(
                            "\(count) value\(plural(count)) of \(g.column) fit no known \(column.type.rawValue) format (e.g. \(quoted(values))); keep them as text"
                        )
                    }
                case .nullNotAllowed:
                    guard let column else { continue }
                    proposed = [.setNullable(column: column.name, nullable: true)]
                    reasons.append("\(g.column) is null in \(count) row\(plural(count)) of \(files) file\(plural(files))")
                case .missingColumn:
                    guard let column else { continue }
                    if !column.nullable { proposed.append(.setNullable(column: column.name, nullable: true)) }
                    proposed.append(.setDefault(column: column.name, value: .null))
                    reasons.append(
                        "\(g.column) is missing in \(files) file\(plural(files))\(same.first?.filePattern.map { " (\($0))" } ?? "")")
                case .extraColumn:
                    guard column == nil else { continue }
                    let type = guessType(values)
                    proposed = [
                        .addColumn(LockedColumn(name: g.column, type: type.type, nullable: true, format: type.format, defaultValue: .null))
                    ]
                    reasons.append(
                        "a new column \(g.column) appears in \(files) file\(plural(files))\(same.first?.filePattern.map { " (\($0))" } ?? "")"
                    )
                }
                changes += proposed
                used += same
            }
            guard !changes.isEmpty else { return nil }
            let files = Set(used.flatMap(\.affectedFiles)).sorted()
            return AmendmentProposal(
                output: output, changes: changes, reason: reasons.joined(separator: "; "), origin: .evidence,
                affectedFiles: Array(files.prefix(100)), filePattern: ValueShape.commonFolderPattern(files),
                evidence: used)
        }
    }

    /// The narrowest wider type that holds the values, or nil when widening
    /// cannot help.
    static func widen(_ type: DataType, values: [String], types: [String]) -> DataType? {
        let numeric = values.allSatisfy { TextValue.double($0) != nil }
        let integral = values.allSatisfy { TextValue.int64($0) != nil }
        switch type {
        case .string: return nil
        case .boolean: return integral ? .int64 : numeric ? .float64 : .string
        case .int64: return numeric ? .float64 : .string
        case .date where types.allSatisfy { $0 == "datetime" }: return .timestamp
        default: return .string
        }
    }

    /// For an int64 or float64 column, the one grouped notation that reads
    /// every value — as the column's type, else (int64) as float64 — when
    /// plain notation cannot. Nil when none or several do (`1,234` is 1234 or
    /// 1.234: not for a proposal to decide).
    static func numberReading(_ values: [String], type: DataType) -> (type: DataType, format: String)? {
        guard type == .int64 || type == .float64, !values.isEmpty, !values.allSatisfy({ TextValue.double($0) != nil }) else { return nil }
        for t in type == .int64 ? [DataType.int64, .float64] : [.float64] {
            let readers = NumberFormat.all.filter { f in values.allSatisfy { f.value(of: $0, as: t) != nil } }
            if readers.count == 1 { return (t, readers[0].pattern(for: t)) }
            if readers.count > 1 { return nil }
        }
        return nil
    }

    /// The first known format of `type` that reads every value.
    static func formatReading(_ values: [String], type: DataType) -> String? {
        guard !values.isEmpty else { return nil }
        return TemporalFormat.candidates.first { f in f.type == type && values.allSatisfy { f.parse($0[...]) != nil } }?.pattern
    }

    /// A type for a new column from a few sample values.
    static func guessType(_ values: [String]) -> (type: DataType, format: String?) {
        let real = values.filter { $0 != "null" && !$0.isEmpty }
        guard !real.isEmpty else { return (.string, nil) }
        if real.allSatisfy({ TextValue.int64($0) != nil }) { return (.int64, nil) }
        if real.allSatisfy({ TextValue.double($0) != nil }) { return (.float64, nil) }
        if real.allSatisfy({ TextValue.bool($0) != nil }) { return (.boolean, nil) }
        for t in [DataType.date, .timestamp, .timestampTZ, .time] {
            if let f = formatReading(real, type: t) { return (t, f) }
        }
        return (.string, nil)
    }

    static func plural(_ n: Int) -> String { n == 1 ? "" : "s" }

    static func quoted(_ values: [String]) -> String {
        values.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
