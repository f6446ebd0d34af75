import CasparianCore
import Foundation
import Inference

/// A column the discovery could not settle, with the question to answer.
public struct OpenQuestion: Codable, Sendable, Equatable {
    public var output: String
    public var column: String
    public var status: ColumnInference.Status
    public var question: String
    public var candidates: [ColumnInference.Candidate]

    /// `--answer` syntax for the first candidate, for hints.
    public var exampleAnswer: String {
        guard let c = candidates.first else { return "\(column)=string" }
        return ContractApproval.shellWord("\(column)=\(c.type.rawValue)" + (c.format.map { ":" + $0 } ?? ""))
    }
}

/// Turns a discovery and a person's decisions into locked schemas.
///
/// Refuses to lock a column that is ambiguous or contradictory without an
/// answer and names every such column with its question, so one round of
/// answers is enough.
public enum ContractApproval {
    /// Every ambiguous or contradictory column of the discovery.
    public static func openQuestions(in discovery: DiscoveryResult) -> [OpenQuestion] {
        discovery.outputs.flatMap { output in
            output.columns.filter { $0.status != .resolved }.map { c in
                OpenQuestion(
                    output: output.name, column: c.name, status: c.status,
                    question: c.question ?? defaultQuestion(c), candidates: c.candidates)
            }
        }
    }

    /// The schemas to lock. A discovery with one output locks it as the
    /// plugin's default output, named after the plugin, unless
    /// `outputOverrides` names it otherwise.
    public static func lockSchemas(from discovery: DiscoveryResult, request: ApprovalRequest) throws -> [LockedSchema] {
        guard !discovery.outputs.isEmpty else {
            throw CasparianError(
                .data, "the discovery has no outputs: the plugin produced no rows on the sample",
                hint: "check the plugin with `casparian preview FILE --plugin DIR`, then discover again")
        }
        try checkKeys(request, discovery: discovery)
        var unanswered: [OpenQuestion] = []
        var schemas: [LockedSchema] = []
        for output in discovery.outputs {
            var columns: [LockedColumn] = []
            for c in output.columns {
                let answer = lookup(request.answers, output: output.name, column: c.name)
                let override = lookup(request.columnOverrides, output: output.name, column: c.name)
                if c.status != .resolved, answer == nil, override?.type == nil {
                    unanswered.append(
                        OpenQuestion(
                            output: output.name, column: c.name, status: c.status,
                            question: c.question ?? defaultQuestion(c), candidates: c.candidates))
                    continue
                }
                columns.append(try lock(c, output: output.name, answer: answer, override: override))
            }
            let o = request.outputOverrides[output.name]
            let name = o?.name ?? (discovery.outputs.count == 1 ? request.plugin : output.name)
            // A renamed table still takes its rows from the plugin output it was discovered as,
            // except a single output, which becomes the plugin's default output.
            let source: String? = discovery.outputs.count == 1 || name == output.name ? nil : output.name
            schemas.append(LockedSchema(output: name, mode: o?.mode ?? .strict, columns: columns, source: source))
        }
        if !unanswered.isEmpty { throw unansweredError(unanswered) }
        for (i, schema) in schemas.enumerated() {
            if schemas[..<i].contains(where: { $0.output == schema.output }) {
                throw CasparianError(
                    .usage, "two outputs would both be named \(schema.output)", hint: "rename one with --override OUTPUT.name=TABLE")
            }
            var seen: Set<String> = []
            for c in schema.columns where !seen.insert(c.outputName).inserted {
                throw CasparianError(
                    .usage, "output \(schema.output) would have two columns named \(c.outputName)",
                    hint: "choose another name with --override COLUMN.rename_to=NAME")
            }
            _ = try ContractValidator(schema: schema)
        }
        return schemas
    }

    static func lock(_ c: ColumnInference, output: String, answer: ApprovalAnswer?, override: ColumnOverride?) throws -> LockedColumn {
        var type = answer?.type ?? c.type
        if let t = override?.type { type = t }
        var format = override?.format ?? answer?.format
        if format != nil, !takesFormat(type) {
            throw CasparianError(
                .usage, "\(output).\(c.name): a format is only for date, time, timestamp, int64 and float64 columns, not \(type.rawValue)",
                hint: "drop the format from the answer or override of \(c.name)")
        }
        if format == nil, takesFormat(type) {
            // The discovery's own format, or the only candidate format of the chosen type.
            let formats = ([ColumnInference.Candidate(type: c.type, format: c.format)] + c.candidates)
                .filter { $0.type == type }.compactMap(\.format)
            let distinct = Array(Set(formats)).sorted()
            if distinct.count > 1, c.status != .resolved || c.type != type {
                throw CasparianError(
                    .usage, "\(output).\(c.name): \(type.rawValue) has several possible formats (\(distinct.joined(separator: ", ")))",
                    hint: "answer with the format, e.g. --answer \(shellWord("\(c.name)=\(type.rawValue):\(distinct[0])"))")
            }
            format = c.type == type ? c.format ?? distinct.first : distinct.first
            // A number column answered as the other numeric type keeps its notation.
            format = format ?? NumberFormat.pattern(c.format, as: type)
        }
        let nullable = override?.nullable ?? c.nullable
        // Rows without the column were proven nullable by discovery; without a default they would be `missing_column`.
        let missing = (c.missingCount ?? 0) > 0 && nullable
        return LockedColumn(
            name: c.name, type: type, nullable: nullable, format: format, nullSentinels: c.nullSentinels,
            renameTo: override?.renameTo, defaultValue: override?.defaultValue ?? (missing ? .null : nil))
    }

    /// Dates, times and timestamps (strftime) and numbers (a grouped notation) take a format.
    static func takesFormat(_ t: DataType) -> Bool { ColumnPlan.isoFormat(for: t) != nil || t == .int64 || t == .float64 }

    static func lookup<T>(_ table: [String: T], output: String, column: String) -> T? {
        table["\(output).\(column)"] ?? table[column]
    }

    /// Every key of answers and overrides must name a column, and a bare
    /// column name must be unique across outputs.
    static func checkKeys(_ request: ApprovalRequest, discovery: DiscoveryResult) throws {
        var owners: [String: [String]] = [:]
        for o in discovery.outputs { for c in o.columns { owners[c.name, default: []].append(o.name) } }
        let qualified = Set(discovery.outputs.flatMap { o in o.columns.map { "\(o.name).\($0.name)" } })
        for (flag, keys) in [("--answer", Array(request.answers.keys)), ("--override", Array(request.columnOverrides.keys))] {
            for key in keys.sorted() where !qualified.contains(key) {
                guard let outs = owners[key] else {
                    let all = discovery.outputs.flatMap { o in o.columns.map(\.name) }
                    throw CasparianError(
                        .usage, "\(flag) \(key): the discovery has no column \(key)",
                        hint: "columns: \(all.joined(separator: ", "))")
                }
                if outs.count > 1 {
                    throw CasparianError(
                        .usage, "\(flag) \(key): outputs \(outs.joined(separator: " and ")) both have a column \(key)",
                        hint: "name it as OUTPUT.COLUMN, e.g. \(flag) \(outs[0]).\(key)…")
                }
            }
        }
        for key in request.outputOverrides.keys.sorted() where !discovery.outputs.contains(where: { $0.name == key }) {
            throw CasparianError(
                .usage, "the discovery has no output \(key)",
                hint: "outputs: \(discovery.outputs.map(\.name).joined(separator: ", "))")
        }
    }

    static func unansweredError(_ open: [OpenQuestion]) -> CasparianError {
        let lines = open.map { q in
            let cands = q.candidates.map { $0.type.rawValue + ($0.format.map { " " + $0 } ?? "") }
            return "  \(q.output).\(q.column) (\(q.status.rawValue)): \(q.question)"
                + (cands.isEmpty ? "" : " [candidates: \(cands.joined(separator: ", "))]")
        }
        return CasparianError(
            .usage,
            "cannot lock \(open.count) column\(open.count == 1 ? "" : "s") that \(open.count == 1 ? "is" : "are") still open:\n"
                + lines.joined(separator: "\n"),
            hint: "answer each with --answer COLUMN=TYPE[:FORMAT], e.g. "
                + open.map { "--answer \($0.exampleAnswer)" }.joined(separator: " "))
    }

    /// An argument as typed in a shell: quoted when it holds a space (`# ##0`).
    static func shellWord(_ s: String) -> String { ShellWord.quoted(s) }

    static func defaultQuestion(_ c: ColumnInference) -> String {
        let cands = c.candidates.map { $0.type.rawValue + ($0.format.map { " (\($0))" } ?? "") }
        switch c.status {
        case .contradiction: return "the files disagree about \(c.name); which type should it be?"
        default: return "which type is \(c.name)" + (cands.isEmpty ? "?" : ": \(cands.joined(separator: " or "))?")
        }
    }
}
