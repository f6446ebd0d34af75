"""Malformed JSON-RPC over raw stdio gets JSON-RPC 2.0 error replies (id null when the id is unusable),
and tools/call before initialize is refused."""
import json

from casparian_client import arguments, emit
from stdio_framing import Raw


def main():
    args = arguments()
    r = Raw(args)
    obs = {}
    cases = [
        ("call_before_initialize", b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"quick_scan","arguments":{"path":"sales"}}}\n', 1),
        ("object_id", b'{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}\n', None),
        ("huge_number_id", b'{"jsonrpc":"2.0","id":1e999999,"method":"ping"}\n', None),
        ("boolean_id", b'{"jsonrpc":"2.0","id":true,"method":"ping"}\n', None),
        ("not_json", b'{"jsonrpc":"2.0","id":7,"method":\n', None),
        ("not_an_object", b'42\n', None),
    ]
    for name, line, expected_id in cases:
        r.lines = []
        r.send(line)
        r.pump(5)
        replies = [json.loads(l) for l in r.lines if l.strip()]
        obs[name] = {"replies": replies, "expected_id": expected_id}
    r.lines = []
    r.send({"jsonrpc": "2.0", "id": 10, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}})
    r.wait_for([10], 30)  # a client waits for the initialize result before it calls tools
    r.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    r.send({"jsonrpc": "2.0", "id": 11, "method": "tools/call", "params": {"name": "quick_scan", "arguments": {"path": "sales"}}})
    r.wait_for([10, 11], 60)
    got, _ = r.replies()
    obs["call_after_initialize_ok"] = "result" in got.get(11, {}) and not got[11]["result"].get("isError")
    r.close()
    emit(obs)


if __name__ == "__main__":
    main()
