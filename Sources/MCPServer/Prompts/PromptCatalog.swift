import Foundation
import MCP

/// The workflows the server offers as MCP prompts (`prompts/list`,
/// `prompts/get`), which clients such as Claude Code show as slash
/// commands. Each prompt is one user message that walks the model through
/// the real tools, with their arguments, in order.
enum PromptCatalog {
    static var all: [PromptSpec] { [ingestFolder, fixParser] }

    /// The prompt `name` filled with `arguments`; a protocol error (invalid
    /// params) when the prompt is unknown or a required argument is missing,
    /// as the spec asks.
    static func get(_ name: String, arguments: [String: String]) throws -> GetPrompt.Result {
        guard let spec = all.first(where: { $0.prompt.name == name }) else {
            throw MCPError.invalidParams(
                "there is no prompt named \(name); prompts: \(all.map(\.prompt.name).joined(separator: ", "))")
        }
        for argument in spec.prompt.arguments ?? [] where argument.required == true {
            guard let value = arguments[argument.name], !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw MCPError.invalidParams("prompt \(name) needs the argument \(argument.name) (\(argument.description ?? ""))")
            }
        }
        return GetPrompt.Result(
            description: spec.prompt.description, messages: [.user(.text(text: spec.render(arguments)))])
    }

    static let ingestFolder = PromptSpec(
        prompt: Prompt(
            name: "ingest_folder", title: "Turn a folder of files into typed tables",
            description: "Scan a folder, prove its column types, lock them as a contract, test the parser and write the tables.",
            arguments: [
                .init(name: "path", title: "Folder", description: "The folder to ingest, under the server's roots.", required: true),
                .init(
                    name: "plugin", title: "Plugin name",
                    description: "The plugin (and contract) to create or use (default: named after the folder).", required: false),
            ]),
        render: { a in
            let path = a["path"] ?? "."
            let name = a["plugin"].flatMap { $0.isEmpty ? nil : $0 } ?? PromptSpec.pluginName(forPath: path)
            return """
                Turn the files in the folder \(path) into typed tables with the Casparian tools. Work step by step and \
                read each result's `summary` and `next_actions` before the next call.

                1. quick_scan {path: "\(path)"} — see what is there (file kinds, sizes, groups). If the folder mixes \
                unrelated exports, plan one scope per kind.
                2. apply_scope {name: "\(name)", path: "\(path)"} — every file under the folder; add `include` or \
                `exclude` globs (e.g. include: ["**/*.csv"]) to narrow it. Keep the returned scope_id.
                3. discover_schemas {scope_id} — proves each column's type from every value. If the result says \
                "running", poll get_run_status {run_id}. Read `failures`, `skipped` and `structure`: files that failed \
                discovery are not in the proof; exclude them (apply_scope exclude) or fix them before locking.
                4. Answer the open `questions`. Do not guess a date order or a number notation: each question shows a \
                value the candidates read differently; ask the user which reading is right.
                5. approve_schema {discovery_id, plugin: "\(name)", answers: {"COLUMN": "TYPE[:FORMAT]"}} — locks the \
                contract. When the client can show forms, the server asks the user the open questions itself; if the \
                user declines, nothing is locked.
                6. run_backtest {plugin: "\(name)", scope_id} — tests the parser against the contract on every file. \
                While files fail, read `clusters` and `worst_files` (with `plugin_line`), then fix_parser {plugin: \
                "\(name)", source: "<the whole new parser.py>"} and read what it reports (fixed, still_failing, \
                regressed); repeat while `verdict` is "continuing". Use propose_amendment only when the data \
                legitimately changed, and ask the user before approve_amendment.
                7. execute_pipeline {plugin: "\(name)", scope_id} — writes the output tables once the backtest passes.
                8. list_outputs {} and query_output {sql: "SELECT COUNT(*) FROM <table>"} — check the rows and show \
                the user a few of them.

                Report the tables written, their row counts, the files that failed (and why) and what was decided \
                for each question.
                """
        })

    static let fixParser = PromptSpec(
        prompt: Prompt(
            name: "fix_parser", title: "Fix a plugin's parser until its backtest passes",
            description: "Read the failure clusters, edit the parser, backtest and read what changed, until the files pass.",
            arguments: [
                .init(name: "plugin", title: "Plugin", description: "The plugin whose parser to fix.", required: true),
                .init(
                    name: "scope_id", title: "Scope",
                    description: "The scope to test on (default: the plugin's last backtest scope).", required: false),
            ]),
        render: { a in
            let plugin = a["plugin"] ?? "PLUGIN"
            let scope = a["scope_id"].flatMap { $0.isEmpty ? nil : $0 }
            let scopeArgument = scope.map { ", scope_id: \"\($0)\"" } ?? ""
            let backtest = "run_backtest {plugin: \"\(plugin)\"" + (scope == nil ? ", scope_id}" : scopeArgument + "}")
            return """
                Fix the parser of the Casparian plugin \(plugin) until its backtest passes, without changing what it \
                gets right.

                1. \(backtest) — if \
                it says "running", poll get_run_status {run_id}. Read `clusters` (biggest first: category, pattern, \
                files, suggestion) and `worst_files` (message, `plugin_line`); the full report is the `report_uri` \
                resource.
                2. Pick the biggest cluster. Read the parser (plugins/\(plugin)/parser.py) and a failing file, and \
                find the cause. Fix the cause, not the symptom: never drop rows or coerce values to make a file pass.
                3. fix_parser {plugin: "\(plugin)", source: "<the WHOLE new parser.py>"\(scopeArgument)} — installs \
                the new version (the previous ones are kept) and backtests it.
                4. Read what changed: `fixed`, `still_failing` and `regressed` (files that passed before and fail \
                now). A regression means the fix broke something: undo or refine it before going on.
                5. Repeat from 2 while `verdict` is "continuing". Stop on "pass_rate_reached"; on "plateau" or \
                "max_iterations", tell the user what is left.
                If the data legitimately changed (a new column, a column that may now be empty), the contract is \
                what should change: propose_amendment {contract_id, from_run_id: "<the backtest's run_id>"}, then \
                ask the user before approve_amendment.

                Report each iteration's pass rate, what each fix changed and any file still failing, with why.
                """
        })
}

/// One prompt: what `prompts/list` shows and how `prompts/get` fills it in.
struct PromptSpec: Sendable {
    var prompt: Prompt
    var render: @Sendable ([String: String]) -> String

    /// A plugin name from a folder's path: its last component, with
    /// characters a plugin name cannot hold replaced by `_`.
    static func pluginName(forPath path: String) -> String {
        let last = path.split(separator: "/").last.map(String.init) ?? "data"
        let cleaned = String(
            last.map { c -> Character in
                c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-") ? c : "_"
            })
        return cleaned.isEmpty || cleaned.allSatisfy({ $0 == "_" }) ? "data" : cleaned
    }
}
