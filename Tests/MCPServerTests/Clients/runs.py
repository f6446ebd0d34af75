"""Long runs: progress, polling a run_id, cancellation killing workers, a crashing plugin, stdin close."""
import asyncio
import json
import os
import sqlite3
import subprocess
import time

from casparian_client import arguments, emit, stdio_driver

SLOW = '''"""Sleeps on every file (for cancellation tests)."""
import time
pattern = "**/*.csv"

def parse(path, ctx):
    time.sleep(1.5)
    yield {"path": path}
'''

QUICK = '''"""One row per file."""
pattern = "**/*.csv"

def parse(path, ctx):
    yield {"path": path}
'''

CRASHY = '''"""Aborts the worker on EU files."""
import os
pattern = "**/*.csv"

def parse(path, ctx):
    if "/eu/" in path:
        os.abort()
    yield {"path": path}
'''


def worker_pids(ws, plugin=""):
    """Live `casparian-worker` processes whose plugin lives in this workspace (and is `plugin`, when given)."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
            state = open(f"/proc/{pid}/stat").read().split(")")[-1].split()[0]
        except OSError:
            continue
        if state != "Z" and cmd[0].endswith(b"/casparian-worker") and any(ws.encode() in c and ("/" + plugin).encode() in c for c in cmd):
            pids.append(int(pid))
    return pids


def run_status(ws, run_id=None, plugin=None):
    db = sqlite3.connect(f"file:{os.path.join(ws, '.casparian/catalog.sqlite')}?mode=ro", uri=True)
    if run_id:
        row = db.execute("SELECT id, status FROM runs WHERE id = ?", (run_id,)).fetchone()
    else:
        row = db.execute("SELECT id, status FROM runs WHERE plugin = ? ORDER BY started_at DESC LIMIT 1", (plugin,)).fetchone()
    db.close()
    return row


async def wait_until(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.2)
    return predicate()


async def main():
    args = arguments()
    ws = args.workspace
    plugins = os.path.join(ws, "test-plugins")
    for name, src in [("slow", SLOW), ("quick", QUICK), ("crashy", CRASHY)]:
        os.makedirs(os.path.join(plugins, name), exist_ok=True)
        open(os.path.join(plugins, name, "parser.py"), "w").write(src)
    obs = {}
    async with stdio_driver(args, extra=["--plugins", plugins, "--jobs", "2"]) as d:
        scope = await d.call("apply_scope", {"name": "sales", "path": "sales/data"})
        scope_id = scope["structured"]["scope_id"]

        # Progress with total, and a result within the wait budget.
        progress = []

        async def on_progress(p, total, message):
            progress.append([p, total])

        quick = await d.call("run_backtest", {"plugin": "quick", "scope_id": scope_id}, progress_callback=on_progress)
        obs["quick"] = quick
        obs["progress"] = progress

        # A run that outlasts its wait budget: a run_id to poll until done.
        started = await d.call("run_backtest", {"plugin": "quick", "scope_id": scope_id, "wait_seconds": 0})
        obs["started"] = started
        polls = []
        for _ in range(100):
            s = await d.call("get_run_status", {"run_id": started["structured"]["run_id"]})
            polls.append(s["structured"]["status"])
            if s["structured"]["status"] != "running":
                obs["polled"] = s
                break
            await asyncio.sleep(0.3)
        obs["polls"] = polls

        # Cancellation: the client abandons the call, the server kills its workers.
        task = asyncio.create_task(d.call("run_backtest", {"plugin": "slow", "scope_id": scope_id, "wait_seconds": 120}))
        obs["workers_seen_during_slow_run"] = await wait_until(lambda: len(worker_pids(ws, "slow")) > 0, 20)
        await asyncio.sleep(1.0)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        obs["workers_gone_after_cancel"] = await wait_until(lambda: len(worker_pids(ws, "slow")) == 0, 15)
        obs["warm_workers_of_other_plugins"] = len(worker_pids(ws, "quick"))
        obs["cancelled_run"] = await wait_until(lambda: (run_status(ws, plugin="slow") or (0, ""))[1] == "cancelled", 15)
        obs["cancelled_status"] = run_status(ws, plugin="slow")

        # A plugin that aborts its worker on some files: failures in the report, server still serving.
        crash = await d.call("run_backtest", {"plugin": "crashy", "scope_id": scope_id, "fail_fast": False})
        obs["crash"] = crash
        obs["serving_after_crash"] = await d.call("quick_scan", {"path": "sales"})

        # A cancel requested from another process (`casparian jobs cancel`) stops a background MCP run.
        bg = await d.call("run_backtest", {"plugin": "slow", "scope_id": scope_id, "wait_seconds": 0})
        bg_id = bg["structured"]["run_id"]
        obs["bg_workers"] = await wait_until(lambda: len(worker_pids(ws, "slow")) > 0, 20)
        cli = subprocess.run([args.casparian, "jobs", "cancel", bg_id], cwd=ws, capture_output=True, timeout=60)
        obs["cli_cancel_code"] = cli.returncode
        final = None
        for _ in range(60):
            final = await d.call("get_run_status", {"run_id": bg_id})
            if final["structured"]["status"] != "running":
                break
            await asyncio.sleep(0.25)
        obs["bg_final"] = final
        obs["bg_workers_gone"] = await wait_until(lambda: len(worker_pids(ws, "slow")) == 0, 15)

        # The CLI lists the MCP server's jobs, and the MCP server reports a job the CLI ran: one catalog.
        listed = subprocess.run([args.casparian, "jobs", "--json"], cwd=ws, capture_output=True, timeout=60)
        obs["cli_jobs"] = [{"id": j["id"], "kind": j["kind"], "status": j["status"]} for j in json.loads(listed.stdout)]
        cli_bt = subprocess.run([args.casparian, "backtest", "quick", "--scope", scope_id, "--plugins", plugins, "--json", "--quiet"],
                                cwd=ws, capture_output=True, timeout=120)
        obs["cli_backtest_code"] = cli_bt.returncode
        cli_run_id = json.loads(cli_bt.stdout)["report"]["run_id"] if cli_bt.stdout else None
        obs["cli_run_id"] = cli_run_id
        obs["mcp_sees_cli_run"] = await d.call("get_run_status", {"run_id": cli_run_id}) if cli_run_id else None

        # Closing stdin mid-run is raw_stdio.py's case: this client kills the process tree on exit.
    emit(obs)


if __name__ == "__main__":
    asyncio.run(main())
