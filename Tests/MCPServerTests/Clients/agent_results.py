"""Results an agent can act on: a glob matching nothing creates no scope, a misspelt plugin is
refused with the closest names, a wrong amendment shape is said in words, errors name MCP tools
(never CLI commands or flags), and every result carries its summary and next_actions."""
import asyncio
import os

from casparian_client import arguments, emit, stdio_driver


async def main():
    args = arguments()
    ws = args.workspace
    obs = {"errors": {}, "results": {}}

    async def call(d, label, name, arguments_):
        r = await d.call(name, arguments_)
        (obs["errors"] if r["is_error"] else obs["results"])[label] = r
        return r

    async with stdio_driver(args, extra=["--plugins", os.path.join(ws, "sales/plugins"), "--wait", "120"]) as d:
        await call(d, "empty_scope", "apply_scope", {"name": "early", "path": "sales/data", "include": ["**/*.parquet"]})
        early = await call(d, "early", "apply_scope", {"name": "early", "path": "sales/data", "include": ["*/sales_2024-0[1-3].csv"]})
        scope_id = early["structured"]["scope_id"]
        disc = await call(d, "discover", "discover_schemas", {"scope_id": scope_id})
        discovery_id = disc["structured"]["discovery_id"]
        answers = {q["column"]: q["candidates"][0] for q in disc["structured"]["questions"] if q.get("candidates")}
        await call(d, "typo", "approve_schema", {"discovery_id": discovery_id, "plugin": "sale", "answers": answers})
        approve = await call(d, "approve", "approve_schema", {"discovery_id": discovery_id, "plugin": "sales", "answers": answers})
        contract_id = approve["structured"]["contract_id"]
        again = await call(d, "discover_again", "discover_schemas", {"scope_id": scope_id})
        await call(d, "approve_twice", "approve_schema",
                   {"discovery_id": again["structured"]["discovery_id"], "plugin": "sales", "answers": answers})
        for label, change in [
            ("nullable_word", {"op": "set_nullable", "column": "amount", "nullable": "yes"}),
            ("rename_without_to", {"op": "rename", "column": "amount"}),
            ("add_column_name_only", {"op": "add_column", "column": "discount"}),
            ("column_number", {"op": "drop_column", "column": 7}),
            ("unknown_op", {"op": "widen", "column": "amount"}),
        ]:
            await call(d, label, "propose_amendment", {"contract_id": contract_id, "changes": [change]})
        await call(d, "good_change", "propose_amendment",
                   {"contract_id": contract_id, "changes": [{"op": "set_nullable", "column": "amount", "nullable": True}]})
        await call(d, "unknown_table", "query_output", {"sql": "SELECT * FROM no_such_table"})
        await call(d, "unknown_run", "get_run_status", {"run_id": "run_nope"})
        await call(d, "unknown_plugin_backtest", "run_backtest", {"plugin": "nope", "scope_id": scope_id})
        running = await call(d, "execute_running", "execute_pipeline", {"plugin": "sales", "scope_id": scope_id, "wait_seconds": 0})
        if not running["is_error"] and running["structured"].get("status") == "running":
            await call(d, "execute_status", "get_run_status", {"run_id": running["structured"]["run_id"]})
        obs["tool_schema"] = d.tools["propose_amendment"].input_schema
        # A plugin that fails on two thirds of the files: approving is not the next step.
        flaky = os.path.join(ws, "sales/plugins/flaky")
        os.makedirs(flaky, exist_ok=True)
        with open(os.path.join(flaky, "parser.py"), "w") as f:
            f.write("def parse(path, ctx):\n"
                    "    if 'sales_2024-03' not in path:\n"
                    "        raise ValueError('unreadable export')\n"
                    "    yield {'n': 1}\n")
        await call(d, "flaky_discovery", "discover_schemas", {"scope_id": scope_id, "plugin": "flaky"})
    emit(obs)


if __name__ == "__main__":
    asyncio.run(main())
