/// Every tool the server offers, in the order of the flow.
enum ToolCatalog {
    static var all: [ToolSpec] {
        [
            QuickScanTool.spec, ApplyScopeTool.spec, DiscoverTool.spec, ApproveSchemaTool.spec, AmendmentTools.propose,
            AmendmentTools.approve, BacktestTool.spec,
            FixParserTool.spec, ExecuteTool.spec, QueryOutputTool.spec, ListOutputsTool.spec, RunStatusTool.spec, CancelRunTool.spec,
        ]
    }
}
