import CasparianTestSupport
import Foundation
import Testing

/// `approve_schema` asks the person the open questions through the client
/// when the client shows forms (MCP elicitation), and locks nothing when
/// the person declines.
@Suite("MCP elicitation")
struct ElicitationTests {
    @Test func openQuestionsGoToThePersonThroughTheClient() throws {
        let ws = try TemporaryFolder.create("mcp-elicitation")
        let r = try MCPClientRunner.run("elicitation.py", workspace: ws).json
        let questions = r.object("discover")["questions"] as? [[String: Any]] ?? []
        #expect(questions.map { $0["column"] as? String } == ["when"], "\(questions)")
        #expect(questions.allSatisfy { !(($0["question"] as? String) ?? "").contains("--answer") }, "\(questions)")
        let next = r.object("discover")["next_actions"] as? [String] ?? []
        #expect(next.allSatisfy { !$0.contains("NAME") && !$0.contains("SCOPE_ID") }, "\(next)")

        // Without elicitation: as before, the questions in the error, answered with `answers`.
        #expect(r.isError("plain"))
        let plain = r.text("plain")
        #expect(plain.contains("when") && plain.contains("answers: {\"when\": \"date:"), "\(plain)")
        #expect(!plain.contains("--answer") && !plain.contains("casparian "), "\(plain)")

        // Declined: one form, nothing locked, and the error says what is open and how to answer.
        let declinedForms = r["declined_forms"] as? [[String: Any]] ?? []
        #expect(declinedForms.count == 1)
        #expect(r.isError("declined"))
        let declined = r.text("declined")
        #expect(declined.contains("declined") && declined.contains("nothing was locked") && declined.contains("answers"), "\(declined)")
        #expect((r["declined_contract"] as? String)?.hasPrefix("missing") == true, "\(r["declined_contract"] ?? "")")

        // A client that declared forms but fails to show one: the questions come back, nothing locked.
        #expect(r.isError("broken") && r.text("broken").contains("could not show the form"), "\(r.text("broken"))")
        #expect(r.text("broken").contains("no forms today") && r.text("broken").contains("answers"), "\(r.text("broken"))")

        // The form: one single-choice field per question, each choice titled with what it makes of the value.
        let form = (r["answered_forms"] as? [[String: Any]])?.first ?? [:]
        let message = form["message"] as? String ?? ""
        #expect(message.contains("when") && message.contains("/"), "\(message)")
        let schema = form["schema"] as? [String: Any] ?? [:]
        let field = (schema["properties"] as? [String: Any])?["when"] as? [String: Any] ?? [:]
        let choices = field["oneOf"] as? [[String: Any]] ?? []
        let consts = choices.compactMap { $0["const"] as? String }
        #expect(consts.contains("date:%d/%m/%Y") && consts.contains("date:%m/%d/%Y"), "\(choices)")
        #expect(schema["required"] as? [String] == ["when"])
        let dayFirst = choices.first { $0["const"] as? String == "date:%d/%m/%Y" }?["title"] as? String ?? ""
        #expect(dayFirst.contains("day-first") && dayFirst.contains("→"), "\(dayFirst)")

        // Accepted: the contract locks the person's answer and says who gave it.
        #expect(!r.isError("answered"), "\(r.text("answered"))")
        let answered = r.structured("answered")
        #expect((answered["answers"] as? [String: String])?["when"] == "date:%d/%m/%Y", "\(answered)")
        #expect((answered["answered_by"] as? String)?.contains("person") == true)
        let columns = (answered["schemas"] as? [[String: Any]])?.first?["columns"] as? [[String: Any]] ?? []
        let when = columns.first { $0["name"] as? String == "when" }
        #expect(when?["type"] as? String == "date" && when?["format"] as? String == "%d/%m/%Y", "\(columns)")
        let contract = (r["contract_text"] as? String ?? "").replacingOccurrences(of: "\\/", with: "/")
        #expect(contract.contains("%d/%m/%Y") && contract.contains("from the person through"), "\(contract)")

        // The answer reads the data: 03/04/2024 is the 3rd of April.
        #expect(!r.isError("execute"), "\(r.text("execute"))")
        #expect((r.structured("day")["rows"] as? [[Any]])?.first?.first as? String == "2024-04-03", "\(r.structured("day"))")
        // An SQL error on a table or column that is not there lists the tables and their columns.
        #expect(r.isError("no_table") && r.text("no_table").contains("payments (id, when, amount"), "\(r.text("no_table"))")
        #expect(r.isError("no_column") && r.text("no_column").contains("payments (id, when, amount"), "\(r.text("no_column"))")

        // Answers given as arguments are not asked again.
        #expect(!r.isError("given"), "\(r.text("given"))")
        #expect(r["asked_again"] as? Int == 0)
    }

    @Test func theFormAlsoReachesAClientOverStreamableHTTP() throws {
        let ws = try TemporaryFolder.create("mcp-elicitation-http")
        let r = try MCPClientRunner.run("elicitation_http.py", workspace: ws).json
        #expect(r["forms"] as? Int == 1)
        #expect(!r.isError("approve"), "\(r.text("approve"))")
        #expect((r.structured("approve")["answers"] as? [String: String])?["when"] == "date:%d/%m/%Y", "\(r.structured("approve"))")
    }
}
