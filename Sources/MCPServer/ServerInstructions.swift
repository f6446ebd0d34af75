/// What the server tells the model about itself at initialisation.
public enum ServerInstructions {
    public static let text = """
        Casparian turns folders of files into typed SQLite tables through Python parsers (plugins).
        Flow: quick_scan → apply_scope → discover_schemas → approve_schema → run_backtest → \
        fix_parser (repeat until green) → execute_pipeline → query_output.
        """
}
