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
        for line in f:
            m = LINE.match(line)
            yield (
                m["ip"],
                datetime.datetime.strptime(m["ts"], "%d/%b/%Y:%H:%M:%S %z"),
                m["method"],
                m["path"],
                int(m["status"]),
                int(m["size"]),
                m["agent"],
                int(m["ms"]),
            )
