import CasparianCore
import Foundation

/// Says the workspace's errors in MCP terms.
///
/// The workspace writes its hints for the command line (`casparian jobs
/// cancel RUN`, `--answer COLUMN=TYPE`); a model over MCP can reach none of
/// that. Every error a tool returns passes through `translate`, which names
/// the MCP tool and arguments that do the same, or, for what only the
/// person at a terminal can do, says so without a command to copy.
enum MCPWording {
    /// `text` with each `` `casparian …` `` command and each CLI flag of the approval said in MCP terms.
    static func translate(_ text: String) -> String {
        var out = ""
        var rest = Substring(phrases.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) })
        while let start = rest.range(of: "`casparian ") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "`") else {
                out += rest[start.lowerBound...]
                rest = ""
                break
            }
            out += tool(for: rest[start.upperBound..<end].split(separator: " ").map(String.init))
            rest = rest[rest.index(after: end)...]
        }
        out += rest
        return flags(out)
    }

    /// Whole phrases that a word-for-word translation would make awkward.
    static let phrases: [(String, String)] = [
        (
            "list runs with `casparian jobs`",
            "use the run_id that discover_schemas, run_backtest, fix_parser or execute_pipeline returned"
        )
    ]

    /// The MCP way to do what a CLI command (its words after `casparian`) does.
    static func tool(for words: [String]) -> String {
        let argument = words.count > 2 ? words[2] : nil
        let placeholder = argument.map { $0.uppercased() == $0 || $0 == "…" } ?? true
        func quoted(_ key: String) -> String { placeholder ? key : "\(key): \"\(argument!)\"" }
        switch (words.first ?? "", words.count > 1 ? words[1] : "") {
        case ("jobs", "cancel"): return "cancel_run {\(quoted("run_id"))}"
        case ("jobs", "show"): return "get_run_status {\(quoted("run_id"))}"
        case ("jobs", _): return "get_run_status {run_id}"
        case ("output", "list"): return "list_outputs {}"
        case ("output", "drop"):
            return "dropping table \(placeholder ? "" : argument! + " ")(the person does it: MCP tools do not drop tables)"
        case ("amend", "propose"): return "propose_amendment {contract_id, changes} (or from_run_id)"
        case ("amend", _), ("contract", _): return "the contract resource casparian://contracts/PLUGIN"
        case ("approve", _): return "approve_schema {discovery_id, plugin}"
        case ("discover", _): return "discover_schemas {scope_id}"
        case ("scope", "refresh"): return "apply_scope with the same name, path and globs (it refreshes the scope)"
        case ("scope", _): return "apply_scope {name, path}"
        case ("new", _): return "fix_parser {plugin, source} (a new name creates the plugin)"
        case ("backtest", _), ("test", _): return "run_backtest {plugin, scope_id}"
        case ("run", _): return "execute_pipeline {plugin, scope_id}"
        case ("files", _): return "the run's report (get_run_status {run_id}, or the resource casparian://runs/RUN_ID)"
        case ("analyze", _): return "quick_scan {path}"
        default: return "a step the person runs outside MCP"
        }
    }

    /// Approval flags as the `approve_schema` arguments that carry them:
    /// `--answer 'day=date:%d/%m/%Y'` → `answers: {"day": "date:%d/%m/%Y"}`.
    static func flags(_ text: String) -> String {
        var t = text
        for (flag, argument) in [("--answer", "answers"), ("--override", "overrides")] {
            t = keyValueFlag(t, flag: flag + " ", argument: argument)
        }
        return t.replacingOccurrences(of: "--exclude ", with: "exclude_files ")
    }

    /// Each `FLAG KEY=VALUE` (the pair quoted as a shell word or not) as `ARGUMENT: {"KEY": "VALUE"}`.
    private static func keyValueFlag(_ text: String, flag: String, argument: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let r = rest.range(of: flag) {
            out += rest[..<r.lowerBound]
            var word = rest[r.upperBound...]
            let quoted = word.first == "'"
            if quoted { word = word.dropFirst() }
            let end = word.firstIndex(where: { quoted ? $0 == "'" : $0 == " " }) ?? word.endIndex
            var pair = String(word[..<end])
            rest = quoted && end < word.endIndex ? word[word.index(after: end)...] : word[end...]
            while !quoted, let last = pair.last, ",;)".contains(last) {
                pair.removeLast()
                rest = Substring(String(last)) + rest
            }
            if let eq = pair.firstIndex(of: "="), eq != pair.startIndex {
                out += "\(argument): {\"\(pair[..<eq])\": \"\(pair[pair.index(after: eq)...])\"}"
            } else {
                out += "\(argument) " + (quoted ? "'\(pair)'" : pair)
            }
        }
        return out + rest
    }

    /// Runs `body`, rewording a `CasparianError` it throws.
    static func rewording<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as CasparianError {
            throw CasparianError(e.kind, translate(e.message), hint: e.hint.map(translate))
        }
    }
}
