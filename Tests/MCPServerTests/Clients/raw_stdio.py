"""stdout carries only MCP messages, and closing stdin ends the server."""
import json
import subprocess
import sys
import time

from casparian_client import arguments, emit


def main():
    args = arguments()
    p = subprocess.Popen([args.casparian, "mcp", "--root", args.workspace, "--log-level", "debug"], cwd=args.workspace,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    msgs = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "quick_scan", "arguments": {"path": "sales"}}},
        {"jsonrpc": "2.0", "id": 3, "method": "logging/setLevel", "params": {"level": "info"}},
    ]
    for m in msgs:
        p.stdin.write((json.dumps(m) + "\n").encode())
        p.stdin.flush()
        time.sleep(0.3)
    time.sleep(1.0)
    started = time.monotonic()
    p.stdin.close()
    p.stdin = None  # communicate() would flush the closed pipe (ValueError on 3.11)
    try:
        out, err = p.communicate(timeout=20)
        exited = True
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        exited = False
    lines = [l for l in out.decode().split("\n") if l.strip()]
    parsed = []
    for l in lines:
        try:
            parsed.append(json.loads(l))
        except ValueError:
            parsed.append({"NOT_JSON": l})
    emit({
        "exited_after_stdin_closed": exited,
        "exit_seconds": time.monotonic() - started,
        "returncode": p.returncode,
        "all_json": all("NOT_JSON" not in m for m in parsed),
        "ids": sorted(m.get("id") for m in parsed if "id" in m),
        "scan_ok": any(m.get("id") == 2 and not m.get("result", {}).get("isError") for m in parsed),
        "set_level_ok": any(m.get("id") == 3 and "result" in m for m in parsed),
        "stderr_has_logs": len(err) > 0,
    })


main()
