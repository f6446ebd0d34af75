"""Streamable HTTP limits (loopback only, bounded): half-sent requests and idle connections are
closed, connections beyond the limit are refused, and an abandoned session expires."""
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from casparian_client import arguments, emit
from streamable_http_flow import INIT, start

HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


def post(url, body, headers=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={**HEADERS, **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()
            return r.status, r.headers.get("Mcp-Session-Id")
    except urllib.error.HTTPError as e:
        return e.code, None


def closed_by_server(sock, wait):
    """True when the server closes `sock` within `wait` seconds."""
    sock.settimeout(wait)
    try:
        return sock.recv(1) == b""
    except socket.timeout:
        return False
    except ConnectionError:
        return True


def main():
    args = arguments()
    p, url = start(args, ["--http-request-timeout", "3", "--http-idle-timeout", "4", "--http-max-connections", "20",
                          "--session-timeout", "2"])
    u = urllib.parse.urlparse(url)
    obs = {}
    try:
        # 15 half-sent requests and one silent connection, then 10 more connections: 6 over the limit of 20.
        half = []
        for _ in range(15):
            s = socket.create_connection((u.hostname, u.port), timeout=5)
            s.sendall(f"POST /mcp HTTP/1.1\r\nHost: {u.netloc}\r\nContent-Type: appli".encode())
            half.append(s)
        silent = socket.create_connection((u.hostname, u.port), timeout=5)
        time.sleep(0.3)
        extra = [socket.create_connection((u.hostname, u.port), timeout=5) for _ in range(10)]
        time.sleep(0.5)  # well within the 3 s request timeout
        over = [s for s in extra if closed_by_server(s, 0.01)]
        obs["over_limit_closed"] = len(over)
        obs["half_sent_open_meanwhile"] = sum(not closed_by_server(s, 0.01) for s in half)
        # All closed by the server in time: the half-sent ones after 3 s, the others after 4 s idle.
        obs["half_sent_closed"] = sum(closed_by_server(s, 8) for s in half)
        obs["silent_closed"] = closed_by_server(silent, 8)
        obs["within_limit_idle_closed"] = sum(closed_by_server(s, 8) for s in extra if s not in over)
        for s in half + extra + [silent]:
            s.close()

        # A session nobody uses expires; its id then gets 404 and a new initialize works.
        status, sid = post(url, INIT)
        obs["initialize"] = status
        obs["session_used_at_once"] = post(url, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
                                           {"Mcp-Session-Id": sid, "Mcp-Protocol-Version": "2025-11-25"})[0]
        # A request whose id is an object gets a JSON-RPC error with id null (it was once taken for a notification: 202).
        req = urllib.request.Request(url, data=b'{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', method="POST",
                                     headers={**HEADERS, "Mcp-Session-Id": sid, "Mcp-Protocol-Version": "2025-11-25"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                obs["object_id"] = {"status": resp.status, "body": resp.read().decode()}
        except urllib.error.HTTPError as e:
            obs["object_id"] = {"status": e.code, "body": e.read().decode()}
        time.sleep(4)
        obs["session_after_expiry"] = post(url, {"jsonrpc": "2.0", "id": 3, "method": "tools/list"},
                                           {"Mcp-Session-Id": sid, "Mcp-Protocol-Version": "2025-11-25"})[0]
        obs["initialize_again"] = post(url, INIT)[0]
        obs["server_running"] = p.poll() is None
    finally:
        p.terminate()
        p.wait(timeout=30)
    emit(obs)


if __name__ == "__main__":
    main()
