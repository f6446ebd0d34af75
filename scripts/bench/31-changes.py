"""What a fix changed (issue 23): the time comparing a parser version's output
with the previous version's adds to a backtest of the bench corpus (20 CSV
files, 1,000,000 rows), and what it stores.

Each backtest keeps 4-byte hashes of every cell it saw and compares them with
the previous version's; examples re-parse a few files with both versions.
Pairs (benchlib: alternating order after a warm-up, the median ratio of 41
pairs with its range): a backtest with --no-compare-output and one that
compares (against the other of two parser versions, so it finds changes and
reads examples); each pair is of a new version, after an untimed run of it. Target: the comparison adds under 10% to the backtest's time. Fails when missed, or when
the comparison does not find the rows the second version changes.
"""
import json, os, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from execute_corpus import ROWS, write_corpus  # noqa: E402
import benchlib  # noqa: E402

BIN = os.environ["CASPARIAN_BIN"]
PAIRS = 41

# The second version upper-cases the name of one row in a hundred.
V2 = '''
import csv
pattern = "*.csv"
def parse(path, ctx):
    ctx.columns("id", "name", "price", "qty", "day")
    with open(path, newline="") as f:
        r = csv.reader(f)
        next(r)
        for id_, name, price, qty, day in r:
            i = int(id_)
            yield (i, name.upper() if i % 100 == 0 else name, float(price), int(qty), day)
'''


def backtest(ws, *extra):
    t = time.perf_counter()
    p = subprocess.run([BIN, "backtest", "bench", "--scope", "b", "--json", "--quiet", *extra], cwd=ws, capture_output=True,
                       text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"casparian backtest failed: {p.stderr[-2000:]}")
    return json.loads(p.stdout)["report"], wall


with tempfile.TemporaryDirectory() as ws:
    write_corpus(ws, BIN)
    parser = os.path.join(ws, "plugins", "bench", "parser.py")
    v1 = open(parser).read()
    backtest(ws)  # the first version's digests
    found = []
    calls = [0]

    def next_run():
        # Each pair (and the warm-up) switches to the other version, so each
        # comparing run is against it: it finds changes and reads examples.
        # An untimed run of the new version first takes what a version's
        # first run alone pays (registering it), which would otherwise fall
        # on one side of the pair or the other as their order alternates.
        if calls[0] % 2 == 0:
            open(parser, "w").write(V2 if calls[0] % 4 == 0 else v1)
            backtest(ws, "--no-compare-output")
        calls[0] += 1

    def without():
        next_run()
        return backtest(ws, "--no-compare-output")[1]

    def compared():
        next_run()
        report, wall = backtest(ws)
        found.append((report.get("changes") or {}).get("rows_changed", 0))
        return wall

    pairs = benchlib.paired(without, compared, PAIRS)
    found = found[1:]  # not the warm-up's
    digests = os.path.join(ws, ".casparian", "digests", "bench")
    versions = len(os.listdir(digests))
    stored = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(digests) for f in fs if f.endswith(".cfd"))
    expected = ROWS // 100
    ok = all(f == expected for f in found)
    print(f"changes: backtest of {ROWS} rows with the comparison {100 * (pairs.ratio - 1):+.1f}% of the time without it "
          f"(median of {PAIRS} pairs, range {100 * (pairs.lo - 1):+.1f}% to {100 * (pairs.hi - 1):+.1f}%); "
          f"found {found[0]} changed rows each time (expected {expected}: {'yes' if ok else 'NO'}); "
          f"stored {stored / 2**20:.1f} MiB of cell hashes for {versions} versions ({stored / versions / ROWS:.0f} bytes a row a version)")
    benchlib.record("changes comparison", "the same backtest with --no-compare-output (added time)", 100 * (pairs.ratio - 1), 10, "<",
                    lo=100 * (pairs.lo - 1), hi=100 * (pairs.hi - 1), unit="%")
    if not ok:
        sys.exit(f"changes: the comparison found {found} changed rows, expected {expected} each time")
benchlib.finish()
