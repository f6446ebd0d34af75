"""Backtest fail-fast and high-failure-first order (issue 6).

A generated corpus of 2,000 files, 20 of which the first parser fails on:
(a) the first backtest; (b) a re-backtest of a parser that does not fix them,
fail-fast against a full run (--no-fail-fast); (c) after a real fix, the time
until every formerly failing file has a verdict, high-failure-first against a
seeded random order, from the same history. Target for (b): < 3% of the
full run's wall time (benchlib: the median of 7 alternating pairs after a
warm-up, with the range); (c) is recorded for information.
"""
import json, os, random, shutil, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

BIN = os.environ["CASPARIAN_BIN"]
FILES, BAD, ROWS = 2000, 20, 1000

BROKEN = '''
pattern = "**/*.csv"
def parse(path):
    text = open(path, encoding="utf-8").read()
    if "bad" in text:
        raise ValueError("unreadable value 'bad'")
    for line in text.splitlines()[1:]:
        a, b = line.split(",")
        yield {"a": int(a), "b": b}
'''
FIXED = '''
pattern = "**/*.csv"
def parse(path):
    for line in open(path, encoding="utf-8").read().splitlines()[1:]:
        a, b = line.split(",")
        yield {"a": int(a) if a != "bad" else None, "b": b}
'''


def cas(ws, *args):
    t = time.perf_counter()
    p = subprocess.run([BIN, *args, "--json", "--quiet"], cwd=ws, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode not in (0, 1):
        raise SystemExit(f"casparian {' '.join(args)} failed: {p.stderr}")
    return json.loads(p.stdout), wall


def write_plugin(ws, source):
    os.makedirs(os.path.join(ws, "plugins", "p"), exist_ok=True)
    with open(os.path.join(ws, "plugins", "p", "parser.py"), "w") as f:
        f.write(source)


with tempfile.TemporaryDirectory() as ws:
    rng = random.Random(7)
    bad = set(rng.sample(range(FILES), BAD))
    for i in range(FILES):
        d = os.path.join(ws, "data", f"part{i % 40:02d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i:04d}.csv"), "w") as f:
            f.write("a,b\n" + "".join(f"{'bad' if i in bad and j == 5 else j},x{j}\n" for j in range(ROWS)))
    write_plugin(ws, BROKEN)
    subprocess.run([BIN, "scope", "create", "s", "--root", "data"], cwd=ws, check=True, capture_output=True)

    a, a_wall = cas(ws, "backtest", "p", "--scope", "s")
    r = a["report"]
    print(f"(a) first backtest: {r['files_tested']} files, {r['files_failed']} failed, {a_wall:.2f}s")

    # Re-running the unfixed parser changes nothing the order depends on
    # (its files stay the failing ones), so the pairs all see the same history.
    def run(*extra):
        def timed():
            doc, wall = cas(ws, "backtest", "p", "--scope", "s", *extra)
            return wall, doc
        return timed

    pairs = benchlib.paired(run("--no-fail-fast"), run(), 7)
    rb = pairs.extra[0]["report"]
    full_wall, b_wall = pairs.baseline, pairs.measured
    percent = [100 * r for r in pairs.ratios]
    print(f"(b) unfixed re-backtest: fail-fast stopped after {rb['files_tested']} files ({rb['files_skipped']} skipped) "
          f"in {b_wall:.3f}s vs full run {full_wall:.2f}s (the median pair): {100 * pairs.ratio:.1f}% of the full run's time "
          f"(median of {len(percent)} pairs, range {min(percent):.1f}-{max(percent):.1f}%); engine time alone "
          f"{rb['duration_milliseconds']} ms")
    benchlib.record("backtest fail-fast", "a full re-backtest (--no-fail-fast)", 100 * pairs.ratio, 3, "<", lo=min(percent),
                    hi=max(percent), unit="%")

    write_plugin(ws, FIXED)
    other = ws + "-random"
    shutil.copytree(ws, other)
    try:
        c_rand, _ = cas(other, "backtest", "p", "--scope", "s", "--random-order", "42")
    finally:
        shutil.rmtree(other, ignore_errors=True)
    c, c_wall = cas(ws, "backtest", "p", "--scope", "s")
    hf = c["report"]["known_bad_verdict_milliseconds"]
    rnd = c_rand["report"]["known_bad_verdict_milliseconds"]
    print(f"(c) after the fix: all {BAD} formerly failing files judged after {hf} ms high-failure-first vs {rnd} ms "
          f"in random order: {rnd / max(hf, 1):.1f}x sooner; pass rate {c['report']['pass_rate']:.2f}, verdict {c['verdict']}")
benchlib.finish()
