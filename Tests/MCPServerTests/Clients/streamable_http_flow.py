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


async def flow(url, headers=None):
    out = {}
    client = create_mcp_http_client(headers=headers)
    async with client:
        async with streamable_http_client(url, http_client=client) as (read, write):
            async with ClientSession(read, write) as session:
                d = Driver(session)
                await d.start()
                out["tools"] = sorted(d.tools)
                out["scan"] = await d.call("quick_scan", {"path": "sales/data"})
                scope = await d.call("apply_scope", {"name": "http-sales", "path": "sales/data"})
                out["scope"] = scope
                disc = await d.call("discover_schemas", {"scope_id": scope["structured"]["scope_id"]})
                out["discover"] = {"is_error": disc["is_error"], "text": disc["text"][:500],
                                   "discovery_id": (disc["structured"] or {}).get("discovery_id")}
                progress = []

                async def on_progress(p, total, message):
                    progress.append([p, total])

                out["query"] = await d.call("query_output", {"sql": "SELECT 1 AS one"})
                out["progress"] = progress
    return out


async def main():
    args = arguments()
    obs = {}
    p, url = start(args, [])
    try:
        obs["url"] = url
        obs["flow"] = await flow(url)
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
        obs["token_flow"] = await flow(url, headers={"Authorization": "Bearer s3cret-token"})
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


asyncio.run(main())
