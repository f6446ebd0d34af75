"""Access logs of the web servers (combined log format plus response time)."""
import datetime
import re

pattern = "**/access-*.log"

LINE = re.compile(
    r'(?P<ip>\S+) \S+ \S+ \[(?P<ts>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+) (?P<proto>[^"]+)" '
    r'(?P<status>\d{3}) (?P<size>\S+) "(?P<referer>[^"]*)" "(?P<agent>[^"]*)" (?P<ms>\d+)'
)


def parse(path, ctx):
    ctx.columns("ip", "requested_at", "method", "path", "status", "bytes", "agent", "response_ms")
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            m = LINE.match(line)
            if m is None:
                raise ValueError(f"line {number} is not an access log line: {line[:80]!r}")
            yield (
                m["ip"],
                datetime.datetime.strptime(m["ts"], "%d/%b/%Y:%H:%M:%S %z"),
                m["method"],
                m["path"],
                int(m["status"]),
                None if m["size"] == "-" else int(m["size"]),  # no body (304s, aborted requests)
                m["agent"],
                int(m["ms"]),
            )
