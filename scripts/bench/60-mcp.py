"""MCP tool-call latency over stdio, against the CLI doing the same work as one process per call.

Starts `casparian mcp` once and times quick_scan and query_output calls made
with the official Python client; the baseline runs `casparian scan --json` and
`casparian query --json` as separate processes on the same folder and database
(what an agent without MCP would do). Each call and its CLI process are a
pair (benchlib: alternating order, after a warm-up; the median ratio, CLI
time / MCP time, with its range). No target: recorded for information.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("CASPARIAN_BIN", os.path.join(ROOT, ".build/release/casparian"))
CALLS = int(os.environ.get("MCP_BENCH_CALLS", "51"))


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


def cli(ws, *args):
    t = time.perf_counter()
    subprocess.run([BIN, *args], cwd=ws, check=True, capture_output=True)
    return time.perf_counter() - t


async def paired_times(ws):
    """(CLI seconds, MCP seconds) pairs for quick_scan and for query_output."""
    params = StdioServerParameters(command=BIN, args=["mcp", "--root", ws, "--log-level", "error"], cwd=ws)
    scan, query = [], []
    async with stdio_client(params, errlog=open(os.devnull, "w")) as (r, w):
        async with ClientSession(r, w) as s:
            await s.initialize()
            await s.list_tools()

            async def scan_call():
                t = time.perf_counter()
                res = await s.call_tool("quick_scan", {"path": "examples"})
                assert not res.is_error, res
                return time.perf_counter() - t

            async def query_call():
                t = time.perf_counter()
                res = await s.call_tool("query_output", {"sql": SQL})
                assert not res.is_error and res.structured_content["row_count"] == 4, res
                return time.perf_counter() - t

            for pairs, call, args in [(scan, scan_call, ("scan", "examples", "--json")), (query, query_call, ("query", SQL, "--json"))]:
                await call(), cli(ws, *args)  # warm-up
                for k in range(CALLS):
                    if k % 2 == 0:
                        c = cli(ws, *args)
                        m = await call()
                    else:
                        m = await call()
                        c = cli(ws, *args)
                    pairs.append((c, m))
    return benchlib.Pairs(scan, speedup=True), benchlib.Pairs(query, speedup=True)


def main():
    if not os.access(BIN, os.X_OK):
        sys.exit(f"no casparian binary at {BIN} (build with `swift build -c release --product casparian`)")
    ws = prepare()
    try:
        scan, query = asyncio.run(paired_times(ws))
    finally:
        shutil.rmtree(ws, ignore_errors=True)
    for name, pairs in [("quick_scan", scan), ("query_output", query)]:
        m = sorted(x for _, x in pairs.pairs)
        c = statistics.median(x for x, _ in pairs.pairs)
        print(f"{name:13s} MCP call {statistics.median(m) * 1000:7.2f} ms median (p90 {m[int(len(m) * 0.9)] * 1000:.2f}), "
              f"CLI process {c * 1000:7.2f} ms median: a CLI process takes {pairs.describe()} an MCP call's time")
        benchlib.record_info(f"mcp {name}", "a CLI process per call (CLI time / MCP time)", pairs)
    benchlib.finish()


main()
