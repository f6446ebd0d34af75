"""Contract amendments over MCP: proposals from a backtest's violations and from explicit changes, then decisions."""
import asyncio
import os

from casparian_client import arguments, emit, stdio_driver


async def main():
    args = arguments()
    ws = args.workspace
    obs = {}
    async with stdio_driver(args, extra=["--plugins", os.path.join(ws, "sales/plugins"), "--wait", "120"]) as d:
        scope = await d.call("apply_scope", {"name": "sales", "path": "sales/data"})
        scope_id = scope["structured"]["scope_id"]
        # Lock the schema from the first half of the year only (no discount column yet, amounts never missing).
        early = await d.call("apply_scope", {"name": "early", "path": "sales/data", "include": ["*/sales_2024-0[1-3].csv"]})
        obs["early_files"] = early["structured"]["file_count"]
        disc = await d.call("discover_schemas", {"scope_id": early["structured"]["scope_id"]})
        answers = {q["column"]: "date:%m/%d/%Y" for q in disc["structured"]["questions"] if q["column"] == "order_date"}
        approve = await d.call("approve_schema", {"discovery_id": disc["structured"]["discovery_id"], "plugin": "sales", "answers": answers})
        obs["approve"] = approve
        contract_id = approve["structured"]["contract_id"]
        fixed = open(os.path.join(ws, "sales/fixes/v3/parser.py")).read()
        fix = await d.call("fix_parser", {"plugin": "sales", "source": fixed, "scope_id": scope_id})
        obs["fix"] = fix
        run_id = fix["structured"]["run_id"]
        obs["from_run"] = await d.call("propose_amendment", {"contract_id": contract_id, "from_run_id": run_id})
        obs["explicit"] = await d.call("propose_amendment", {"contract_id": contract_id, "reason": "amount may be missing",
                                                             "changes": [{"op": "set_nullable", "column": "amount", "nullable": True}]})
        obs["bad_change"] = await d.call("propose_amendment", {"contract_id": contract_id, "changes": [{"op": "set_nullable", "column": 7}]})
        obs["both"] = await d.call("propose_amendment", {"contract_id": contract_id, "from_run_id": run_id, "changes": []})
        obs["unknown_contract"] = await d.call("propose_amendment", {"contract_id": "ctr_nope", "from_run_id": run_id})
        obs["bad_action"] = await d.call("approve_amendment", {"amendment_id": "amd_x", "action": "maybe"})
        decisions = []
        proposals = obs["from_run"]["structured"]["amendments"] if not obs["from_run"]["is_error"] else []
        for a in proposals:
            decisions.append(await d.call("approve_amendment", {"amendment_id": a["amendment_id"], "action": "approve"}))
        obs["decisions"] = decisions
        if not obs["explicit"]["is_error"]:
            obs["reject"] = await d.call("approve_amendment", {"amendment_id": obs["explicit"]["structured"]["amendment_id"], "action": "reject"})
        obs["after"] = await d.call("run_backtest", {"plugin": "sales", "scope_id": scope_id})
    emit(obs)


asyncio.run(main())
