import Foundation

/// The plugin an approved discovery of the built-in reader runs as: the
/// reference CSV/TSV reader (`Resources/csv_reader.py`, which reads files as
/// the native reader does; `plugins/csv/parser.py` links to it) followed by
/// `Resources/family_routing.py`, which sends each file's rows to the output
/// of the contract its columns match — the family discovery put it in.
/// `casparian approve` (and MCP `approve_schema`) write it as the plugin's
/// `parser.py` when the plugin has none, so that `backtest` and `run` execute
/// what the built-in reader discovered, one table per family. Both files are
/// embedded in the binary at build time.
enum BuiltinCSVPlugin {
    /// The whole `parser.py`, claiming the files `pattern` matches (CI's
    /// `backtest PLUGINS --corpus DIR` runs a plugin over what it claims).
    static func source(pattern: String) -> String {
        String(decoding: PackageResources.csv_reader_py + PackageResources.family_routing_py, as: UTF8.self)
            + "\n# The files this plugin claims: those with the extensions of the files discovery read.\n"
            + "pattern = \"\(pattern)\"\n"
    }

    /// A glob of the extensions of `files` (`**/*.csv`, `**/*.{csv,tsv}`;
    /// `.csv.gz` kept whole); `**/*` when a file has none or one would not
    /// be a plain glob.
    static func pattern(files: [String]) -> String {
        var extensions: [String] = []
        for file in files {
            let name = URL(fileURLWithPath: file).lastPathComponent
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count > 1, let last = parts.last, !last.isEmpty, parts.first?.isEmpty == false else { return "**/*" }
            var ext = String(last)
            if ext.lowercased() == "gz", parts.count > 2 { ext = parts[parts.count - 2] + "." + ext }
            guard ext.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" }) else { return "**/*" }
            if !extensions.contains(ext) { extensions.append(ext) }
        }
        guard !extensions.isEmpty else { return "**/*" }
        return extensions.count == 1 ? "**/*.\(extensions[0])" : "**/*.{\(extensions.sorted().joined(separator: ","))}"
    }
}
