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
    /// The whole `parser.py`.
    static var source: String {
        String(decoding: PackageResources.csv_reader_py + PackageResources.family_routing_py, as: UTF8.self)
    }
}
