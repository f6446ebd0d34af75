"""A run shared between machines, read over MCP: get_run_status with the coordinator's URL
(CASPARIAN_TEST_PG) reports the run (CASPARIAN_TEST_RUN) with each node's part; without the URL,
and for a run the coordinator does not have, the errors say what to pass."""
import asyncio
import os

from casparian_client import arguments, emit, stdio_driver


async def main():
    args = arguments()
    pg = os.environ["CASPARIAN_TEST_PG"]
    run = os.environ["CASPARIAN_TEST_RUN"]
    obs = {}
    async with stdio_driver(args) as d:
        obs["status"] = await d.call("get_run_status", {"run_id": run, "coordinator": pg})
        obs["no_url"] = await d.call("get_run_status", {"run_id": run})
        obs["unknown"] = await d.call("get_run_status", {"run_id": "crun_nope", "coordinator": pg})
    emit(obs)


if __name__ == "__main__":
    asyncio.run(main())
