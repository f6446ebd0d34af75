"""Raw stdio framing: replies stay whole when many are in flight and the client reads slowly;
a large request is read in linear time; an oversized one gets an error reply and the server goes on."""
import json
import os
import select
import subprocess
import threading
import time

from casparian_client import arguments, emit


class Raw:
    def __init__(self, args):
        self.p = subprocess.Popen([args.casparian, "mcp", "--root", args.workspace, "--log-level", "warning"],
                                  cwd=args.workspace, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=open(os.path.join(args.workspace, "mcp-stderr.log"), "ab"))
        self.buffer = b""
        self.lines = []
        self.got = {}
        self.bad = 0

    def send(self, message):
        data = message if isinstance(message, bytes) else (json.dumps(message) + "\n").encode()
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def pump(self, timeout, chunk=65536, pause=0.0):
        """Reads what is there for up to `timeout` seconds, `chunk` bytes at a time."""
        ready, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not ready:
            return False
        data = os.read(self.p.stdout.fileno(), chunk)
        if not data:
            return False
        self.buffer += data
        *complete, self.buffer = self.buffer.split(b"\n")
        self.lines += complete
        for line in complete:
            try:
                m = json.loads(line)
                self.got[m.get("id")] = m
            except ValueError:
                self.bad += 1
        if pause:
            time.sleep(pause)
        return True

    def replies(self):
        return self.got, self.bad

    def wait_for(self, ids, seconds, **kw):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            got, _ = self.replies()
            if all(i in got for i in ids):
                return True
            self.pump(min(1.0, max(0.01, deadline - time.monotonic())), **kw)
        return False

    def close(self):
        self.p.stdin.close()
        try:
            self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()


def main():
    args = arguments()
    r = Raw(args)
    r.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}})
    r.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    obs = {"initialized": r.wait_for([1], 30)}

    # 60 tools/list in flight (about 2 MB of replies), and a client that first does not read, then reads 4 KiB at a time.
    ids = list(range(100, 160))
    for i in ids:
        r.send({"jsonrpc": "2.0", "id": i, "method": "tools/list"})
    time.sleep(1.5)
    obs["slow_reader_all_replies"] = r.wait_for(ids, 60, chunk=4096, pause=0.001)
    got, bad = r.replies()
    obs["slow_reader_replies"] = sum(1 for i in ids if "result" in got.get(i, {}))
    obs["slow_reader_bad_lines"] = bad

    # A 6 MiB request is served (it took a minute when reading was quadratic); a 40 MiB one is refused with an error.
    pad = "x" * (6 << 20)
    big = (json.dumps({"jsonrpc": "2.0", "id": 200, "method": "ping", "params": {"_meta": {"pad": pad}}}) + "\n").encode()
    huge = b'{"jsonrpc": "2.0", "id": 201, "method": "ping", "params": {"_meta": {"pad": "' + b"y" * (40 << 20) + b'"}}}\n'
    after = (json.dumps({"jsonrpc": "2.0", "id": 202, "method": "ping"}) + "\n").encode()
    writer = threading.Thread(target=lambda: [r.send(m) for m in (big, huge, after)], daemon=True)
    writer.start()
    obs["large_requests_answered"] = r.wait_for([200, None, 202], 100)
    got, _ = r.replies()
    obs["big_request"] = {k: v for k, v in got.get(200, {}).items() if k != "jsonrpc"}
    obs["too_large"] = got.get(None)
    obs["after_too_large"] = got.get(202)
    r.close()
    obs["returncode"] = r.p.returncode
    emit(obs)


if __name__ == "__main__":
    main()
