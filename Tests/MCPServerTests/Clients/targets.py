"""Output targets over MCP: execute_pipeline into a Parquet folder and into PostgreSQL (the URL in
CASPARIAN_TEST_PG), list_outputs shows every table with its target, query_output reads PostgreSQL
read-only, and a bad target is an error result that says what to do."""
import asyncio
import os

from casparian_client import arguments, emit, stdio_driver

FILES = {
    "permits_2024-01.csv": "Permit ID,Issued,Fee\nP1,2024-01-02,12.5\nP2,2024-01-03,7\n",
    "permits_2024-02.csv": "Permit ID,Issued,Fee\nP3,2024-02-01,12.5\n",
}


async def main():
    args = arguments()
    pg = os.environ["CASPARIAN_TEST_PG"]
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
        await d.call("approve_schema", {"discovery_id": disc["structured"]["discovery_id"], "plugin": "permits"})
        obs["parquet"] = await d.call("execute_pipeline", {"plugin": "permits", "scope_id": scope_id, "to": "parquet:lake"})
        obs["postgres"] = await d.call("execute_pipeline", {"plugin": "permits", "scope_id": scope_id, "to": pg, "schema": "mcp"})
        obs["bad"] = await d.call("execute_pipeline", {"plugin": "permits", "scope_id": scope_id, "to": "s3://bucket/x"})
        obs["list"] = await d.call("list_outputs", {})
        obs["query"] = await d.call("query_output", {"sql": "SELECT sum(\"Fee\") FROM permits", "target": pg, "schema": "mcp"})
        obs["write"] = await d.call("query_output", {"sql": "DELETE FROM permits", "target": pg, "schema": "mcp"})
    emit(obs)


if __name__ == "__main__":
    asyncio.run(main())
