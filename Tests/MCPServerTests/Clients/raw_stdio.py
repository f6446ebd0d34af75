"""stdout carries only MCP messages, and closing stdin ends the server and its workers, even mid-run.

Drives the server with raw JSON-RPC lines (no client library that would kill
the process tree on exit), so the exit and the workers' end are the server's own.
"""
import json
import os
import subprocess
import threading
import time

from casparian_client import arguments, emit
from runs import SLOW, worker_pids


def main():
    args = arguments()
    ws = args.workspace
    plugins = os.path.join(ws, "raw-plugins")
    os.makedirs(os.path.join(plugins, "slow"), exist_ok=True)
    open(os.path.join(plugins, "slow", "parser.py"), "w").write(SLOW)
    p = subprocess.Popen([args.casparian, "mcp", "--root", ws, "--plugins", plugins, "--log-level", "debug", "--jobs", "2"],
                         cwd=ws, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(p.stdout.read().decode().split("\n")))
    reader.start()
    err = []
    err_reader = threading.Thread(target=lambda: err.append(p.stderr.read()))
    err_reader.start()

    def call(i, name, arguments):
        return {"jsonrpc": "2.0", "id": i, "method": "tools/call", "params": {"name": name, "arguments": arguments}}

    msgs = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        call(2, "quick_scan", {"path": "sales"}),
        {"jsonrpc": "2.0", "id": 3, "method": "logging/setLevel", "params": {"level": "info"}},
        call(4, "apply_scope", {"name": "all-sales", "path": "sales/data"}),
        call(5, "run_backtest", {"plugin": "slow", "scope_id": "all-sales", "wait_seconds": 0}),
    ]
    for m in msgs:
        p.stdin.write((json.dumps(m) + "\n").encode())
        p.stdin.flush()
        time.sleep(0.5)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not worker_pids(ws, "slow"):
        time.sleep(0.2)
    workers_before = len(worker_pids(ws, "slow"))
    started = time.monotonic()
    p.stdin.close()
    killer = threading.Timer(30, p.kill)
    killer.start()
    p.wait()
    killer.cancel()
    exit_seconds = time.monotonic() - started
    reader.join()
    err_reader.join()
    time.sleep(0.5)
    parsed = []
    for l in lines:
        if not l.strip():
            continue
        try:
            parsed.append(json.loads(l))
        except ValueError:
            parsed.append({"NOT_JSON": l})
    emit({
        "exited_after_stdin_closed": exit_seconds < 30,
        "exit_seconds": exit_seconds,
        "returncode": p.returncode,
        "all_json": all("NOT_JSON" not in m for m in parsed),
        "ids": sorted(m.get("id") for m in parsed if "id" in m),
        "scan_ok": any(m.get("id") == 2 and not m.get("result", {}).get("isError") for m in parsed),
        "set_level_ok": any(m.get("id") == 3 and "result" in m for m in parsed),
        "run_started": any(m.get("id") == 5 and m.get("result", {}).get("structuredContent", {}).get("status") == "running" for m in parsed),
        "workers_before_close": workers_before,
        "workers_after_exit": len(worker_pids(ws, "slow")),
        "stderr_has_logs": len(err[0]) > 0,
    })


if __name__ == "__main__":
    main()
