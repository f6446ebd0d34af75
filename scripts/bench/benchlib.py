"""The one statistic and the one table every bench in this folder uses.

Statistic: after a warm-up run of each side, the baseline and the measured
side are timed back to back in pairs, the order alternating (baseline first
in even pairs, measured first in odd ones), and the figure is the median of
the pairs' ratios with their range (lowest and highest). This machine is
shared: its speed swings by tens of percent for seconds at a time, so only
times taken together are compared, the median is robust to a pair that
straddles a swing, and alternating keeps a drift from always favouring one
side. An odd number of pairs, so the median is one pair's ratio.

Record: each figure is recorded with `record` (bench, what it is compared
with, the median and range, the target, met or not). `run.sh` points
BENCH_RESULTS at a file every bench appends its records to, and ends with
`python benchlib.py table FILE` printing one table and exiting 1 when a
target was missed or a bench crashed. Run alone, a bench prints its records
and `finish()` exits 3 when one of its own targets was missed (any
other non-zero exit is a crash, which the table counts as a missed target).

Library benches (`casparian-bench NAME`) time their pairs in-process in the
same order (a warm-up, then alternating) and print the raw pairs as the last
line of their output, a JSON object; `swift_bench` runs one and turns its
pairs into the same statistic.
"""
import json
import os
import statistics
import subprocess
import sys
import time

_records = []


class Pairs:
    """Pairs of (baseline, measured) values, their ratios and the median.

    `ratio` is measured / baseline ("the measured side takes 1.1x the
    baseline's time") or, with speedup=True, baseline / measured ("the
    measured side is 1.3x faster")."""

    def __init__(self, pairs, speedup=False, extras=None):
        if not pairs:
            raise ValueError("no pairs")
        self.pairs = list(pairs)
        self.extras = extras or [None] * len(self.pairs)
        self.speedup = speedup
        self.ratios = [(b / m) if speedup else (m / b) for b, m in self.pairs]
        order = sorted(range(len(self.ratios)), key=lambda i: self.ratios[i])
        self.median_index = order[(len(order) - 1) // 2]
        self.ratio = statistics.median(self.ratios)
        self.lo, self.hi = min(self.ratios), max(self.ratios)

    @property
    def baseline(self):
        """The baseline's value in the median pair."""
        return self.pairs[self.median_index][0]

    @property
    def measured(self):
        """The measured side's value in the median pair."""
        return self.pairs[self.median_index][1]

    @property
    def extra(self):
        """Whatever the measured side returned besides its time, in the median pair."""
        return self.extras[self.median_index]

    def describe(self, fmt="{:.2f}x"):
        return f"{fmt.format(self.ratio)} (median of {len(self.ratios)} pairs, range {fmt.format(self.lo)} to {fmt.format(self.hi)})"


def _seconds_and_extra(result):
    if isinstance(result, tuple):
        return result[0], result[1:]
    return result, None


def paired(baseline, measured, n, speedup=False, warmup=True):
    """Times `baseline()` and `measured()` back to back `n` times, the order
    alternating, after one warm-up run of each. Each callable returns its
    seconds, or a tuple (seconds, anything...) whose rest is kept as the
    pair's extra (measured side only)."""
    if warmup:
        baseline()
        measured()
    pairs, extras = [], []
    for k in range(n):
        if k % 2 == 0:
            b, _ = _seconds_and_extra(baseline())
            m, extra = _seconds_and_extra(measured())
        else:
            m, extra = _seconds_and_extra(measured())
            b, _ = _seconds_and_extra(baseline())
        pairs.append((b, m))
        extras.append(extra)
    return Pairs(pairs, speedup=speedup, extras=extras)


def wall(cmd, cwd=None, check=True, discard_stdout=False, **kw):
    """(Wall seconds, CompletedProcess) of running `cmd`, its output captured
    (stdout to /dev/null with `discard_stdout`, as a shell's `> /dev/null`);
    raises on failure when `check`."""
    t = time.perf_counter()
    if discard_stdout:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kw)
    else:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, **kw)
    seconds = time.perf_counter() - t
    if check and p.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd[:4]))} failed (exit {p.returncode}): {p.stderr[-2000:]}")
    return seconds, p


def swift_bench(name, speedup=False, env=None):
    """Runs `casparian-bench NAME`, prints its lines, and returns (Pairs, info)
    from the JSON object on its last line: {"pairs": [[baseline, measured], ...], "info": {...}}."""
    binary = os.environ["CASPARIAN_BENCH_BIN"]
    p = subprocess.run([binary, name], capture_output=True, text=True, env=env)
    lines = p.stdout.strip().splitlines()
    if p.returncode != 0 or not lines or not lines[-1].startswith("{"):
        sys.stdout.write(p.stdout)
        raise SystemExit(f"casparian-bench {name} failed (exit {p.returncode}): {p.stderr[-2000:]}")
    for line in lines[:-1]:
        print(line)
    doc = json.loads(lines[-1])
    return Pairs([tuple(x) for x in doc["pairs"]], speedup=speedup), doc.get("info", {})


def met(value, op, target):
    return value <= target if op == "<=" else value < target if op == "<" else value >= target if op == ">=" else value > target


def record(bench, baseline, value, target, op, lo=None, hi=None, unit="x", note=""):
    """Records one figure: `value` (the median; `lo`-`hi` its range when it
    comes from pairs) against `op target` (op one of <=, <, >=, >).
    Prints it and appends it to $BENCH_RESULTS when set."""
    row = {"bench": bench, "baseline": baseline, "value": value, "lo": lo, "hi": hi, "unit": unit, "op": op,
           "target": target, "met": target is None or met(value, op, target), "note": note}
    _records.append(row)
    print(f"RESULT {format_row(row)}")
    path = os.environ.get("BENCH_RESULTS")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps(row) + "\n")
    return row["met"]


def record_pairs(bench, baseline, pairs, target, op, note=""):
    return record(bench, baseline, pairs.ratio, target, op, lo=pairs.lo, hi=pairs.hi, note=note)


def record_info(bench, baseline, pairs):
    """Records a ratio that has no target (shown in the table, never missed)."""
    return record(bench, baseline, pairs.ratio, None, None, lo=pairs.lo, hi=pairs.hi)


def _target(row):
    return "none (information)" if row["target"] is None else f"{row['op']} {_num(row['target'], row['unit'])}"


def _met(row):
    return "-" if row["target"] is None else "yes" if row["met"] else "NO"


def _num(v, unit):
    if unit == "%":
        return f"{v:.1f}%"
    if unit == "x":
        return f"{v:.2f}x"
    return f"{v:.1f} {unit}"


def _measured(row, sep):
    """The median with its range: 1.02x (0.95x-1.10x), 43.5 (40.1-48.2) M values/s."""
    unit, value = row["unit"], row["value"]
    if unit in ("x", "%"):
        text = _num(value, unit)
        return text if row["lo"] is None else f"{text} ({_num(row['lo'], unit)}{sep}{_num(row['hi'], unit)})"
    if row["lo"] is None:
        return f"{value:.1f} {unit}"
    return f"{value:.1f} ({row['lo']:.1f}{sep}{row['hi']:.1f}) {unit}"


def format_row(row):
    value = _measured(row, " to ")
    verdict = "" if row["target"] is None else ": met" if row["met"] else ": MISSED"
    return f"{row['bench']}: {value} vs {row['baseline']}; target {_target(row)}{verdict}"


MISSED_EXIT = 3  # what a bench that ran to its end exits with when it missed a target; any other failure is a crash


def finish():
    """Exits MISSED_EXIT when one of this bench's targets was missed."""
    missed = [r for r in _records if not r["met"]]
    if missed:
        print(f"missed: {', '.join(r['bench'] for r in missed)}", file=sys.stderr)
        sys.exit(MISSED_EXIT)


def table(results_path, crashed):
    """Prints one table of every record and returns how many targets were missed (a crashed bench counts)."""
    rows = []
    if os.path.exists(results_path):
        with open(results_path) as f:
            rows = [json.loads(line) for line in f if line.strip()]
    header = ("bench", "baseline", "measured (range)", "target", "met")
    cells = []
    for r in rows:
        value = _measured(r, "-")
        cells.append((r["bench"], r["baseline"], value, _target(r), _met(r)))
    for script, code in crashed:
        cells.append((script, "-", f"crashed (exit {code})", "runs to the end", "NO"))
    widths = [max(len(str(c[i])) for c in [header] + cells) for i in range(len(header))]
    line = lambda c: "  ".join(str(x).ljust(w) for x, w in zip(c, widths)).rstrip()
    print(line(header))
    print(line(tuple("-" * w for w in widths)))
    for c in cells:
        print(line(c))
    missed = sum(1 for c in cells if c[4] == "NO")
    targets = sum(1 for c in cells if c[4] != "-")
    print(f"{targets - missed} of {targets} targets met" + (f"; {missed} missed" if missed else ""))
    return missed


if __name__ == "__main__":
    # python benchlib.py table RESULTS [SCRIPT:EXIT ...]: the scripts that exited without finishing.
    if len(sys.argv) < 3 or sys.argv[1] != "table":
        sys.exit("usage: benchlib.py table RESULTS [SCRIPT:EXIT ...]")
    crashed = [tuple(a.rsplit(":", 1)) for a in sys.argv[3:]]
    sys.exit(1 if table(sys.argv[2], crashed) else 0)
