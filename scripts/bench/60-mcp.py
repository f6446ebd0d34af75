"""MCP tool-call latency over stdio, against the CLI doing the same work as one process per call.

Starts `casparian mcp` once and times quick_scan and query_output calls made
with the official Python client; the baseline runs `casparian scan --json` and
`casparian query --json` as separate processes on the same folder and database
(what an agent without MCP would do). Prints medians and the ratio.
"""
import asyncio
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("CASPARIAN_BIN", os.path.join(ROOT, ".build/release/casparian"))
CALLS = int(os.environ.get("MCP_BENCH_CALLS", "50"))


def prepare():
    ws = tempfile.mkdtemp(prefix="casparian-mcp-bench-")
    shutil.copytree(os.path.join(ROOT, "examples"), os.path.join(ws, "examples"))
    os.makedirs(os.path.join(ws, ".casparian"))
    db = sqlite3.connect(os.path.join(ws, ".casparian/output.sqlite"))
    db.execute("CREATE TABLE t (id INTEGER, region TEXT, amount REAL)")
    db.executemany("INSERT INTO t VALUES (?, ?, ?)", [(i, ["eu", "north", "south", "west"][i % 4], i * 0.5) for i in range(20000)])
    db.commit()
    db.close()
    return ws


SQL = "SELECT region, COUNT(*), SUM(amount) FROM t GROUP BY region ORDER BY region"


async def mcp_times(ws):
    params = StdioServerParameters(command=BIN, args=["mcp", "--root", ws, "--log-level", "error"], cwd=ws)
    scan, query = [], []
    async with stdio_client(params, errlog=open(os.devnull, "w")) as (r, w):
        async with ClientSession(r, w) as s:
            await s.initialize()
            await s.list_tools()
            for _ in range(CALLS):
                t = time.perf_counter()
                res = await s.call_tool("quick_scan", {"path": "examples"})
                scan.append(time.perf_counter() - t)
                assert not res.is_error, res
                t = time.perf_counter()
                res = await s.call_tool("query_output", {"sql": SQL})
                query.append(time.perf_counter() - t)
                assert not res.is_error and res.structured_content["row_count"] == 4, res
    return scan, query


def cli_times(ws):
    scan, query = [], []
    for _ in range(CALLS):
        t = time.perf_counter()
        subprocess.run([BIN, "scan", "examples", "--json"], cwd=ws, check=True, capture_output=True)
        scan.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run([BIN, "query", SQL, "--json"], cwd=ws, check=True, capture_output=True)
        query.append(time.perf_counter() - t)
    return scan, query


def main():
    if not os.access(BIN, os.X_OK):
        sys.exit(f"no casparian binary at {BIN} (build with `swift build -c release --product casparian`)")
    ws = prepare()
    try:
        m_scan, m_query = asyncio.run(mcp_times(ws))
        c_scan, c_query = cli_times(ws)
    finally:
        shutil.rmtree(ws, ignore_errors=True)
    for name, m, c in [("quick_scan", m_scan, c_scan), ("query_output", m_query, c_query)]:
        mm, cm = statistics.median(m) * 1000, statistics.median(c) * 1000
        print(f"{name:13s} MCP call {mm:7.2f} ms median (p90 {sorted(m)[int(len(m) * 0.9)] * 1000:.2f})   "
              f"CLI process {cm:7.2f} ms   ratio CLI/MCP {cm / mm:5.1f}x   ({CALLS} calls each)")


main()
