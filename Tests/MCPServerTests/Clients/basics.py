"""Tool declarations, quick_scan, bad arguments, path attacks, logging and concurrent calls."""
import asyncio
import os

from casparian_client import arguments, emit, stdio_driver


async def main():
    args = arguments()
    ws = args.workspace
    obs = {}
    # A symlink pointing out of the root, and a sibling folder sharing the root's prefix.
    os.symlink("/etc", os.path.join(ws, "etc-link"))
    sibling = ws.rstrip("/") + "-sibling"
    os.makedirs(sibling, exist_ok=True)
    async with stdio_driver(args) as d:
        obs["tools"] = {
            name: {
                "closed": t.input_schema.get("additionalProperties") is False,
                "has_output_schema": t.output_schema is not None,
                "has_description": bool(t.description),
                "read_only": bool(t.annotations and t.annotations.read_only_hint),
                "destructive": bool(t.annotations and t.annotations.destructive_hint),
            }
            for name, t in d.tools.items()
        }
        obs["instructions"] = d.initialize_result.instructions
        scan = await d.call("quick_scan", {"path": "sales/data"})
        obs["scan"] = scan
        obs["scan_relative_and_absolute_agree"] = (await d.call("quick_scan", {"path": os.path.join(ws, "sales/data")}))["structured"]["file_count"] == scan["structured"]["file_count"]
        obs["bad"] = {
            "missing": await d.call("quick_scan", {}),
            "wrong_type": await d.call("quick_scan", {"path": 42}),
            "extra": await d.call("quick_scan", {"path": "sales", "recursive": True}),
            "out_of_range": await d.call("quick_scan", {"path": "sales", "top": 500}),
            "unknown_tool": await d.call("no_such_tool", {}),
            "empty_sql": await d.call("query_output", {"sql": ""}),
            "unknown_run": await d.call("get_run_status", {"run_id": "run_nope"}),
        }
        obs["paths"] = {
            "dotdot": await d.call("quick_scan", {"path": "sales/../../.."}),
            "absolute_outside": await d.call("quick_scan", {"path": "/etc"}),
            "symlink_out": await d.call("quick_scan", {"path": "etc-link"}),
            "nul": await d.call("quick_scan", {"path": "sales\u0000/etc"}),
            "sibling_prefix": await d.call("quick_scan", {"path": sibling}),
            "inside_with_dotdot": await d.call("quick_scan", {"path": "sales/data/../data/eu"}),
        }
        # A very wide file: the discovery and approval answers must stay under ~20,000 characters.
        os.makedirs(os.path.join(ws, "wide"), exist_ok=True)
        with open(os.path.join(ws, "wide", "wide.csv"), "w") as f:
            f.write(",".join(f"column_{i}" for i in range(300)) + "\n")
            for r in range(40):
                f.write(",".join(str(r * i) if i % 3 else f"2024-01-{(r % 28) + 1:02d}" for i in range(300)) + "\n")
        wide_scope = await d.call("apply_scope", {"name": "wide", "path": "wide"})
        wide = await d.call("discover_schemas", {"scope_id": wide_scope["structured"]["scope_id"]})
        obs["wide"] = {"chars": wide.get("chars"), "is_error": wide["is_error"],
                       "evidence_omitted": (wide["structured"] or {}).get("evidence_omitted"),
                       "columns_truncated": (wide["structured"] or {}).get("columns_truncated"),
                       "columns_listed": len((wide["structured"] or {"outputs": [{"columns": []}]})["outputs"][0]["columns"]),
                       "uri": (wide["structured"] or {}).get("discovery_uri")}
        approve = await d.call("approve_schema", {"discovery_id": wide["structured"]["discovery_id"], "plugin": "wide"})
        obs["wide_approve"] = {"chars": approve.get("chars"), "is_error": approve["is_error"], "text": approve["text"][:500],
                               "columns_truncated": (approve["structured"] or {}).get("columns_truncated")}
        # The resource has every column, in pages of about 60,000 characters.
        uri, columns, sizes = obs["wide"]["uri"], 0, []
        while uri:
            text = (await d.session.read_resource(uri)).contents[0].text
            page = __import__("json").loads(text)
            sizes.append(len(text))
            columns += sum(len(o["columns"]) for o in page["result"]["outputs"])
            uri = page.get("next_uri")
        obs["wide"]["resource_columns"] = columns
        obs["wide"]["resource_pages"] = sizes
        await d.session.set_logging_level("debug")
        obs["set_level_ok"] = True
        await d.call("quick_scan", {"path": "/etc"})
        await asyncio.sleep(0.5)
        obs["logs"] = d.logs
        # Concurrent calls: different folders at once, each answer must match its own folder.
        regions = ["eu", "north", "south", "west"] * 3
        results = await asyncio.gather(*[d.call("quick_scan", {"path": f"sales/data/{r}"}) for r in regions])
        obs["concurrent"] = [
            {"region": r, "root_ok": res["structured"]["root"].endswith("/" + r), "files": res["structured"]["file_count"]}
            for r, res in zip(regions, results)
        ]
    emit(obs)


asyncio.run(main())
