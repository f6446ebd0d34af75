"""A folder of two kinds of exports over MCP: discover_schemas gives one output per family,
approve_schema makes the built-in reader the plugin and excludes the HTML page discovery skipped, so
run_backtest passes and execute_pipeline writes one table per family without failing the page."""
import asyncio
import os

from casparian_client import arguments, emit, stdio_driver

FILES = {
    "permits_2024-01.csv": "Permit ID,Issued,Fee\nP1,2024-01-02,12.5\nP2,2024-01-03,7\n",
    "permits_2024-02.csv": "Permit ID,Issued,Fee,Discount\nP3,2024-02-01,12.5,1\n",
    "weather.csv": "station;temp;humidity\nA;12,5;80\nB;13,0;75\n",
    "page.csv": "<!DOCTYPE html>\n<html><body>Service unavailable</body></html>\n",
}


async def main():
    args = arguments()
    data = os.path.join(args.workspace, "exports")
    os.makedirs(data, exist_ok=True)
    for name, text in FILES.items():
        with open(os.path.join(data, name), "w") as f:
            f.write(text)
    obs = {}
    async with stdio_driver(args) as d:
        scope = await d.call("apply_scope", {"name": "exports", "path": "exports"})
        scope_id = scope["structured"]["scope_id"]
        disc = await d.call("discover_schemas", {"scope_id": scope_id})
        obs["discover"] = {k: v for k, v in disc.items() if k != "text"}
        approve = await d.call("approve_schema", {"discovery_id": disc["structured"]["discovery_id"], "plugin": "exports"})
        obs["approve"] = {k: v for k, v in approve.items() if k != "text"}
        obs["backtest"] = await d.call("run_backtest", {"plugin": "exports", "scope_id": scope_id})
        obs["execute"] = await d.call("execute_pipeline", {"plugin": "exports", "scope_id": scope_id})
        obs["weather"] = await d.call("query_output", {"sql": "SELECT station, temp FROM weather ORDER BY station"})
        # A quote never closed is reported with the line and byte offset where it opens and the rows it swallowed.
        broken = os.path.join(args.workspace, "broken")
        os.makedirs(broken, exist_ok=True)
        with open(os.path.join(broken, "readings.csv"), "w") as f:
            f.write('a,b\n1,"unterminated\n2,3\n')
        broken_scope = await d.call("apply_scope", {"name": "broken", "path": "broken"})
        found = await d.call("discover_schemas", {"scope_id": broken_scope["structured"]["scope_id"]})
        obs["structure"] = found["structured"].get("structure")
    emit(obs)


if __name__ == "__main__":
    asyncio.run(main())
