"""The flow over Streamable HTTP, and requests the server must refuse (foreign Origin, missing token)."""
import asyncio
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from casparian_client import Driver, arguments, emit
from flow import flow_extra, sales_flow

INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}


def start(args, extra, env=None):
    log = open(os.path.join(args.workspace, f"http-{len(extra)}-{time.monotonic_ns()}.log"), "w+")
    p = subprocess.Popen([args.casparian, "mcp", "--root", args.workspace, "--addr", "127.0.0.1:0", *extra],
                         cwd=args.workspace, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                         env={**os.environ, **(env or {})})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        log.seek(0)
        m = re.search(r"listening on (http://\S+/mcp)", log.read())
        if m:
            return p, m.group(1)
        if p.poll() is not None:
            break
        time.sleep(0.1)
    log.seek(0)
    raise RuntimeError("server did not start: " + log.read())


def raw_post(url, headers):
    req = urllib.request.Request(url, data=json.dumps(INIT).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream", **headers})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


async def session(url, headers, body):
    client = create_mcp_http_client(headers=headers)
    async with client:
        async with streamable_http_client(url, http_client=client) as (read, write):
            async with ClientSession(read, write) as s:
                d = Driver(s)
                await d.start()
                return await body(d)


async def small_flow(d):
    return {"tools": sorted(d.tools), "scan": await d.call("quick_scan", {"path": "sales/data"}),
            "query": await d.call("query_output", {"sql": "SELECT COUNT(*) FROM sales"})}


async def main():
    args = arguments()
    obs = {}
    p, url = start(args, flow_extra(args.workspace))
    try:
        obs["url"] = url
        obs["flow"] = await session(url, None, lambda d: sales_flow(d, args.workspace))
        port = url.split(":")[2].split("/")[0]
        obs["foreign_origin"] = raw_post(url, {"Origin": "http://evil.example"})
        obs["own_origin"] = raw_post(url, {"Origin": f"http://127.0.0.1:{port}"})
        obs["foreign_host"] = raw_post(url, {"Host": "evil.example:80"})
        obs["wrong_path"] = raw_post(url.replace("/mcp", "/other"), {})
    finally:
        p.terminate()
        p.wait(timeout=10)
    p, url = start(args, ["--token-env", "CASPARIAN_TEST_TOKEN"], env={"CASPARIAN_TEST_TOKEN": "s3cret-token"})
    try:
        obs["no_token"] = raw_post(url, {})
        obs["wrong_token"] = raw_post(url, {"Authorization": "Bearer nope"})
        obs["good_token"] = raw_post(url, {"Authorization": "Bearer s3cret-token"})
        obs["token_flow"] = await session(url, {"Authorization": "Bearer s3cret-token"}, small_flow)
    finally:
        p.terminate()
        p.wait(timeout=10)
    beyond = subprocess.run([args.casparian, "mcp", "--root", args.workspace, "--addr", "0.0.0.0:0"], cwd=args.workspace,
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    obs["beyond_loopback_without_token"] = {"code": beyond.returncode, "stderr": beyond.stderr.decode()[-500:]}
    token_on_cmdline = subprocess.run([args.casparian, "mcp", "--addr", "127.0.0.1:0", "--token-env", "UNSET_VARIABLE_X"],
                                      cwd=args.workspace, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    obs["unset_token_variable"] = {"code": token_on_cmdline.returncode, "stderr": token_on_cmdline.stderr.decode()[-500:]}
    emit(obs)


if __name__ == "__main__":
    asyncio.run(main())
