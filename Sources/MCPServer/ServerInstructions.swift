/// What the server tells the model about itself at initialisation.
public enum ServerInstructions {
    public static let text = """
        Casparian turns folders of files into typed SQLite tables through Python parsers (plugins).
        Flow: quick_scan → apply_scope → discover_schemas → approve_schema → run_backtest → \
        fix_parser (repeat until green) → execute_pipeline → query_output.

        When to use what:
        - quick_scan {path}: first look at a folder the user names (metadata only, cheap).
        - apply_scope {name, path, include}: name the files to work on; later tools take its scope_id.
        - discover_schemas {scope_id}: prove column types (built-in csv plugin by default, or a plugin); \
        read `questions` and settle them with approve_schema's `answers`.
        - approve_schema {discovery_id, plugin}: lock the schema as the plugin's contract \
        (plugins/<plugin>/contract.json). Open questions you did not answer are asked to the user in a form \
        when this client shows forms (elicitation); never guess a date order or number notation.
        - run_backtest {plugin, scope_id}: test the parser against the contract over every file; files \
        that failed before go first and the run stops early when they still fail. Read `clusters` and \
        `worst_files` (with tracebacks' plugin_line) to decide the fix.
        - fix_parser {plugin, source}: send the WHOLE new parser.py; it is installed (previous versions \
        kept) and re-tested; repeat while `verdict` is "continuing". A new plugin name creates the plugin.
        - propose_amendment / approve_amendment: only when the data legitimately changed (a new column, \
        a nullable column) — not to hide parser bugs. Ask the user before approving.
        - execute_pipeline {plugin, scope_id}: once the backtest passes; writes the output tables.
        - query_output {sql}: read-only SQL over the output tables (lineage columns _cf_file, _cf_row).
        - get_run_status {run_id}: poll a long run that returned status "running"; cancel_run stops one.
        Prompts: ingest_folder {path} and fix_parser {plugin} walk through these workflows.
        Paths must lie under the server's roots. Errors come back as results with a "what to do" line.
        """
}
