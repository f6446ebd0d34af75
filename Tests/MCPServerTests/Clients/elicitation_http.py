"""approve_schema's form over Streamable HTTP: the server sends elicitation/create on the
session's stream and reads the person's answer from a POST."""
import asyncio
import os

from mcp import ClientSession, types
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from casparian_client import Driver, arguments, emit
from elicitation import ROWS
from streamable_http_flow import start


async def main():
    args = arguments()
    folder = os.path.join(args.workspace, "dates")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "payments.csv"), "w") as f:
        f.write(ROWS)
    obs = {"forms": 0}

    async def answer(context, params):
        obs["forms"] += 1
        return types.ElicitResult(action="accept", content={"when": "date:%d/%m/%Y"})

    p, url = start(args, [])
    try:
        async with create_mcp_http_client() as client:
            async with streamable_http_client(url, http_client=client) as (read, write):
                async with ClientSession(read, write, elicitation_callback=answer) as s:
                    d = Driver(s)
                    await d.start()
                    scope = await d.call("apply_scope", {"name": "dates", "path": "dates"})
                    disc = await d.call("discover_schemas", {"scope_id": scope["structured"]["scope_id"]})
                    obs["approve"] = await asyncio.wait_for(
                        d.call("approve_schema", {"discovery_id": disc["structured"]["discovery_id"], "plugin": "payments"}), 60)
    finally:
        p.terminate()
        p.wait(timeout=10)
    emit(obs)


if __name__ == "__main__":
    asyncio.run(main())
