"""Result sizes on a folder of 40 different exports: every tool result stays under ~20,000
characters (counts, the first items, and resource URIs for the rest)."""
import asyncio
import os

from casparian_client import arguments, emit, stdio_driver


def export(i):
    columns = [f"export{i}_id", "created", f"amount_{i}", f"label_{i}"] + [f"extra_{i}_{k}" for k in range(i % 7)]
    rows = []
    for r in range(3):
        values = [str(r + 1), f"2024-0{(r % 9) + 1}-1{r}", f"{r * 2.5 + i}", f"item {r} of {i}"]
        values += [str(r * k) for k in range(i % 7)]
        rows.append(",".join(values))
    return ",".join(columns) + "\n" + "\n".join(rows) + "\n"


async def main():
    args = arguments()
    folder = os.path.join(args.workspace, "exports")
    os.makedirs(folder, exist_ok=True)
    for i in range(40):
        with open(os.path.join(folder, f"export_{i:02d}.csv"), "w") as f:
            f.write(export(i))
    sizes, errors, obs = {}, {}, {}

    async def call(label, name, arguments_):
        r = await d.call(name, arguments_)
        if r["is_error"]:
            errors[label] = r["text"][:1000]
        else:
            sizes[label] = r["chars"]
        return r

    async with stdio_driver(args, extra=["--wait", "120"]) as d:
        await call("quick_scan", "quick_scan", {"path": "exports"})
        scope = await call("apply_scope", "apply_scope", {"name": "exports", "path": "exports"})
        scope_id = scope["structured"]["scope_id"]
        disc = await call("discover_schemas", "discover_schemas", {"scope_id": scope_id})
        obs["outputs"] = len(disc["structured"]["outputs"])
        answers = {q["column"]: q["candidates"][0] for q in disc["structured"]["questions"] if q.get("candidates")}
        await call("approve_schema", "approve_schema",
                   {"discovery_id": disc["structured"]["discovery_id"], "plugin": "exports", "answers": answers})
        await call("run_backtest", "run_backtest", {"plugin": "exports", "scope_id": scope_id})
        execute = await call("execute_pipeline", "execute_pipeline", {"plugin": "exports", "scope_id": scope_id})
        await call("list_outputs", "list_outputs", {})
        table = (execute["structured"] or {}).get("tables", ["export0"])[0]
        await call("query_output", "query_output", {"sql": f"SELECT * FROM \"{table}\""})
        await call("get_run_status", "get_run_status", {"run_id": execute["structured"]["run_id"]})
    obs["sizes"], obs["errors"] = sizes, errors
    emit(obs)


if __name__ == "__main__":
    asyncio.run(main())
