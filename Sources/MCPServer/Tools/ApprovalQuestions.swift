import CasparianCore
import Contracts
import Inference
import MCP

/// The open questions of a discovery that an approval has not answered,
/// as an MCP client sees them: a form for the person (elicitation), the
/// answers read back from it, and the error that lists what is still open.
struct ApprovalQuestions: Sendable {
    /// One column the approval cannot lock without an answer.
    struct Open: Sendable {
        var output: String
        var column: String
        /// The key `answers` takes: the column, or `OUTPUT.COLUMN` when two outputs share the name.
        var key: String
        var question: String
        var candidates: [ColumnInference.Candidate]
        var counterexample: String?
    }

    var open: [Open]

    /// The ambiguous or contradictory columns of `discovery` that neither an
    /// answer nor a type override of `request` settles.
    init(discovery: DiscoveryResult, request: ApprovalRequest) {
        var owners: [String: Int] = [:]
        for o in discovery.outputs { for c in o.columns { owners[c.name, default: 0] += 1 } }
        open = discovery.outputs.flatMap { o in
            o.columns.compactMap { c -> Open? in
                let qualified = "\(o.name).\(c.name)"
                let answered =
                    request.answers[qualified] ?? request.answers[c.name]
                let typed = (request.columnOverrides[qualified] ?? request.columnOverrides[c.name])?.type
                guard c.status != .resolved, answered == nil, typed == nil else { return nil }
                return Open(
                    output: o.name, column: c.name, key: owners[c.name, default: 0] > 1 ? qualified : c.name,
                    question: MCPWording.translate(c.question ?? "which type is \(c.name)?"), candidates: c.candidates,
                    counterexample: c.counterexample)
            }
        }
    }

    var isEmpty: Bool { open.isEmpty }

    /// The `elicitation/create` form: one single-choice field per question,
    /// each choice titled with what it makes of the value that tells them
    /// apart. Only choices about the data: never a secret.
    func form(plugin: String, discoveryID: String) -> (message: String, schema: Elicitation.RequestSchema) {
        var lines = [
            "Casparian needs \(open.count == 1 ? "one answer" : "\(open.count) answers") before it locks the schema of "
                + "\(plugin) (discovery \(discoveryID)). The files alone cannot tell:"
        ]
        var properties: [String: Value] = [:]
        for (i, q) in open.enumerated() {
            // The person chooses in the form: the answer syntax meant for the model is left out.
            let asked = q.question.range(of: " Answer e.g.").map { String(q.question[..<$0.lowerBound]) } ?? q.question
            lines.append("\(i + 1). \(q.output).\(q.column): \(asked)")
            properties[q.key] = field(q)
        }
        lines.append("Nothing is locked until you answer; declining leaves the schema open.")
        let schema = Elicitation.RequestSchema(
            title: "Column types for \(plugin)", description: "One choice per column the data leaves open.",
            properties: properties, required: open.map(\.key))
        return (lines.joined(separator: "\n"), schema)
    }

    private func field(_ q: Open) -> Value {
        let example = q.counterexample.map { " \($0) is read differently by each choice." } ?? ""
        var o: [String: Value] = [
            "type": "string", "title": .string("\(q.column) (\(q.output))"),
            "description": .string("How to read \(q.column).\(example)"),
        ]
        var choices = q.candidates
        if !choices.isEmpty, !choices.contains(where: { $0.type == .string }) { choices.append(.init(type: .string)) }
        if choices.isEmpty {
            o["description"] = .string("TYPE or TYPE:FORMAT for \(q.column), e.g. string or date:%Y-%m-%d.\(example)")
        } else {
            o["oneOf"] = .array(choices.map { .object(["const": .string($0.answer), "title": .string(title($0, q))]) })
        }
        return .object(o)
    }

    private func title(_ c: ColumnInference.Candidate, _ q: Open) -> String {
        if c.type == .string, c.format == nil { return "string: keep the text as written" }
        guard let value = q.counterexample, let read = c.reading(of: value) else { return c.label }
        return "\(c.label): \(value) → \(read)"
    }

    /// Shows the form to the person and returns their answers as
    /// `COLUMN=TYPE[:FORMAT]`; throws `stillOpen` when they decline or
    /// cancel it, or the client cannot show it.
    func ask(through channel: ElicitationChannel, plugin: String, discoveryID: String) async throws -> [String] {
        let (message, schema) = form(plugin: plugin, discoveryID: discoveryID)
        let reply: CreateElicitation.Result
        do {
            reply = try await channel.ask(message, schema: schema)
        } catch let e as MCPError {
            // The client declared forms but could not show this one: the questions go back to the model.
            throw stillOpen(reason: "the client could not show the form that asked the open questions (\(e))")
        }
        guard reply.action == .accept else {
            throw stillOpen(
                reason: "the user \(reply.action == .decline ? "declined" : "cancelled") the form that asked the open questions")
        }
        return try answers(from: reply.content ?? [:])
    }

    /// The answers in an accepted form, as `COLUMN=TYPE[:FORMAT]`; throws,
    /// naming the field, when one is missing or not one of its choices.
    func answers(from content: [String: Value]) throws -> [String] {
        try open.map { q in
            guard let value = content[q.key]?.stringValue, !value.isEmpty else {
                throw stillOpen(reason: "the form came back without an answer for \(q.key)")
            }
            let allowed = q.candidates.map(\.answer) + ["string"]
            if !q.candidates.isEmpty, !allowed.contains(value) {
                throw stillOpen(
                    reason: "the form's answer for \(q.key) (\(value)) is not one of its choices (\(allowed.joined(separator: ", ")))")
            }
            _ = try ApprovalAnswer(argument: value)
            return "\(q.key)=\(value)"
        }
    }

    /// What is still open and how to answer it with `answers`; nothing was locked.
    func stillOpen(reason: String) -> CasparianError {
        let lines = open.map { q in
            "  \(q.output).\(q.column): \(q.question)"
                + (q.candidates.isEmpty ? "" : " [choices: \(q.candidates.map(\.answer).joined(separator: ", "))]")
        }
        let example = open.map { q in "\"\(q.key)\": \"\(q.candidates.first?.answer ?? "string")\"" }.joined(separator: ", ")
        return CasparianError(
            .usage,
            "\(reason); nothing was locked. \(open.count) column\(open.count == 1 ? " is" : "s are") still open:\n"
                + lines.joined(separator: "\n"),
            hint: "ask the user which reading is right, then call approve_schema again with answers: {\(example)} "
                + "(each value TYPE or TYPE:FORMAT)")
    }
}
