"""The whole flow on examples/sales: scan → scope → discover → approve → backtest → fix → backtest → execute → query.

Prints the tool results (structuredContent) and figures computed independently
from the CSV files, so the Swift test can check the server's numbers.
"""
import asyncio
import csv
import glob
import json
import os

from casparian_client import arguments, emit, stdio_driver


def expected_rows(ws):
    """Data rows the fixed parser should keep: every CSV record, minus a last line cut mid-row."""
    total = 0
    by_region = {}
    for path in sorted(glob.glob(os.path.join(ws, "sales/data/*/sales_*.csv"))):
        raw = open(path, "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        lines = text.splitlines()
        if lines and not raw.endswith(b"\n"):
            lines = lines[:-1]
        n = sum(1 for _ in csv.DictReader(lines))
        total += n
        region = os.path.basename(os.path.dirname(path))
        by_region[region] = by_region.get(region, 0) + n
    return total, by_region


FLOW_ARGS = ["--wait", "120"]


def flow_extra(ws):
    """Server arguments for the flow: the example's plugins folder."""
    return ["--plugins", os.path.join(ws, "sales/plugins"), *FLOW_ARGS]


async def sales_flow(d, ws):
    """Runs the flow over an open Driver and returns the observations."""
    obs = {"expected_rows": expected_rows(ws)}
    fixed_source = open(os.path.join(ws, "sales/fixes/v3/parser.py")).read()
    progress = []

    async def on_progress(p, total, message):
        progress.append([p, total])

    obs["scan"] = await d.call("quick_scan", {"path": "sales/data"})
    scope = await d.call("apply_scope", {"name": "sales", "path": "sales/data", "include": ["**/*.csv"]})
    obs["scope"] = scope
    scope_id = scope["structured"]["scope_id"]
    obs["scope_again"] = await d.call("apply_scope", {"name": "sales", "path": "sales/data", "include": ["**/*.csv"]})
    disc = await d.call("discover_schemas", {"scope_id": scope_id})
    obs["discover"] = {k: v for k, v in disc.items() if k != "text"}
    discovery_id = disc["structured"]["discovery_id"]
    # A discovery is a run: get_run_status reports it, its resource names its scope.
    if disc["structured"].get("run_id"):
        obs["discover_status"] = await d.call("get_run_status", {"run_id": disc["structured"]["run_id"]})
        res = await d.session.read_resource(f"casparian://runs/{disc['structured']['run_id']}")
        obs["discover_run"] = json.loads(res.contents[0].text)
        res = await d.session.read_resource(disc["structured"]["discovery_uri"])
        obs["discovery_scope"] = json.loads(res.contents[0].text).get("scope_id")
    answers = {}
    for q in disc["structured"]["questions"]:
        if q["column"] == "order_date":
            answers["order_date"] = "date:%m/%d/%Y"
    obs["answers"] = answers
    obs["approve"] = await d.call("approve_schema", {"discovery_id": discovery_id, "plugin": "sales", "answers": answers})
    contract = await d.session.read_resource(obs["approve"]["structured"]["contract_uri"])
    obs["contract_resource"] = json.loads(contract.contents[0].text)
    discovery = await d.session.read_resource(disc["structured"]["discovery_uri"])
    obs["discovery_resource_outputs"] = len(json.loads(discovery.contents[0].text)["result"]["outputs"])
    obs["contract_file_exists"] = os.path.exists(os.path.join(ws, "sales/plugins/sales/contract.json"))
    first = await d.call("run_backtest", {"plugin": "sales", "scope_id": scope_id, "fail_fast": False},
                         progress_callback=on_progress)
    obs["backtest1"] = first
    obs["progress"] = progress[:]
    if not first["is_error"]:
        run_id = first["structured"]["run_id"]
        obs["status1"] = await d.call("get_run_status", {"run_id": run_id})
        res = await d.session.read_resource(f"casparian://runs/{run_id}")
        obs["resource_chars"] = len(res.contents[0].text)
    # First try (examples/sales/fixes/v2): N/A and the discount column, not the dates yet.
    second_try = open(os.path.join(ws, "sales/fixes/v2/parser.py")).read()
    obs["fix_v2"] = await d.call("fix_parser", {"plugin": "sales", "source": second_try, "scope_id": scope_id})
    # Second try (v3): day-first dates, Latin-1, truncated rows; the scope defaults to the last backtested one.
    fix = await d.call("fix_parser", {"plugin": "sales", "source": fixed_source})
    obs["fix"] = fix
    obs["parser_replaced"] = open(os.path.join(ws, "sales/plugins/sales/parser.py")).read() == fixed_source
    obs["backtest2"] = await d.call("run_backtest", {"plugin": "sales", "scope_id": scope_id})
    ex = await d.call("execute_pipeline", {"plugin": "sales", "scope_id": scope_id})
    obs["execute"] = ex
    if not ex["is_error"] and ex["structured"].get("tables"):
        table = ex["structured"]["tables"][0]
        obs["count"] = await d.call("query_output", {"sql": f"SELECT COUNT(*) FROM {table}"})
        obs["by_region"] = await d.call("query_output", {"sql": f"SELECT region, COUNT(*) FROM {table} GROUP BY region ORDER BY region"})
    obs["again"] = await d.call("execute_pipeline", {"plugin": "sales", "scope_id": scope_id})
    return obs


async def main():
    args = arguments()
    async with stdio_driver(args, extra=flow_extra(args.workspace)) as d:
        obs = await sales_flow(d, args.workspace)
    emit(obs)


if __name__ == "__main__":
    asyncio.run(main())
