"""Plugin runtime overhead, parallelism and host memory (issues 3 and 21).

Baseline: Debian's /usr/bin/python3 running the same parse() and consuming
every row, timed in pairs with casparian in the same run (benchlib: the
median of alternating pairs after a warm-up, with the range). Targets:
tuples <= 1.10x plain Python's time, dicts <= 1.30x, 2 workers vs 1 >= 1.7x
(8 files of 1M rows), host peak RSS < 200 MB for 5M rows.
"""
import os, subprocess, sys, tempfile, time, textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

BENCH = os.environ["CASPARIAN_BENCH_BIN"]
PY = "/usr/bin/python3"
ROWS = 1_000_000

PLUGIN = textwrap.dedent('''
    import datetime
    D0 = datetime.date(2020, 1, 1)
    ONE = datetime.timedelta(days=1)
    def parse(path, ctx):
        n = int(open(path).read())
        if MODE == "tuple":
            ctx.columns("id", "price", "name", "day", "flag")
            for i in range(n):
                yield (i, i * 0.5, "item-%d" % (i & 1023), D0 + ONE * (i % 3000), i & 1 == 0)
        else:
            for i in range(n):
                yield {"id": i, "price": i * 0.5, "name": "item-%d" % (i & 1023), "day": D0 + ONE * (i % 3000), "flag": i & 1 == 0}
''')

BASELINE = textwrap.dedent('''
    import importlib.util, sys, time
    spec = importlib.util.spec_from_file_location("p", sys.argv[1])
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    class Ctx:
        def columns(self, *a, **k): pass
    t = time.perf_counter(); n = 0
    for path in sys.argv[2:]:
        for row in m.parse(path, Ctx()):
            n += 1
    print(time.perf_counter() - t, n)
''')


def plugin(root, mode):
    d = os.path.join(root, mode)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "parser.py"), "w") as f:
        f.write("MODE = %r\n" % mode + PLUGIN)
    return d


def counts(root, n, rows):
    paths = []
    for i in range(n):
        p = os.path.join(root, "input-%d.txt" % i)
        with open(p, "w") as f:
            f.write(str(rows))
        paths.append(p)
    return paths


def baseline(plugin_dir, files):
    out = subprocess.run([PY, "-c", BASELINE, os.path.join(plugin_dir, "parser.py")] + files,
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[0])


def casparian(plugin_dir, workers, files):
    """(seconds, rows, host peak RSS, host CPU seconds, workers' CPU seconds)."""
    out = subprocess.run([BENCH, "pool", plugin_dir, str(workers)] + files, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]), int(out[2]), float(out[3]), float(out[4])


with tempfile.TemporaryDirectory() as root:
    one = counts(root, 1, ROWS)
    for mode, target in (("tuple", 1.10), ("dict", 1.30)):
        d = plugin(root, mode)
        pairs = benchlib.paired(lambda: baseline(d, one), lambda: casparian(d, 1, one)[0], 15)
        print(f"overhead {mode:5}: python {pairs.baseline:.3f}s, casparian {pairs.measured:.3f}s (the median pair): "
              f"casparian takes {pairs.describe()} plain Python's time")
        benchlib.record_pairs(f"runtime {mode}s", "plain python3 parse() loop", pairs, target, "<=")

    # Eight files of 1M rows each: 1 worker against 2, back to back; the
    # host's CPU against the workers' shows what its decoding takes from them.
    # Plain Python run the same way (one process over the 8 files, against
    # two processes over 4 each, after each pair) shows what two cores give
    # at that moment.
    d = plugin(root, "tuple")
    eight = counts(os.path.join(root), 8, ROWS)
    plain = []

    def two_workers():
        two = casparian(d, 2, eight)
        return two[0], two[3] / two[4]

    def one_worker():
        t = casparian(d, 1, eight)[0]
        p1 = baseline(d, eight)
        started = time.perf_counter()
        procs = [subprocess.Popen([PY, "-c", BASELINE, os.path.join(d, "parser.py")] + half, stdout=subprocess.DEVNULL)
                 for half in (eight[:4], eight[4:])]
        for proc in procs:
            proc.wait()
        plain.append(p1 / (time.perf_counter() - started))
        return t

    pairs = benchlib.paired(one_worker, two_workers, 7, speedup=True)
    host_share = sorted(e[0] for e in pairs.extras)
    print(f"parallelism: 8 files x 1M rows, 1 worker {pairs.baseline:.2f}s, 2 workers {pairs.measured:.2f}s (the median pair): "
          f"speed-up {pairs.describe()}; plain python, 2 processes against 1: {sorted(plain)[len(plain) // 2]:.2f}x; "
          f"host CPU {100 * host_share[len(host_share) // 2]:.1f}% of the 2 workers' CPU")
    benchlib.record_pairs("runtime 2 workers vs 1", "the same run with 1 worker (speed-up)", pairs, 1.7, ">=")

    five = counts(os.path.join(root), 5, ROWS)
    secs, rows, rss, _, _ = casparian(d, 2, five)
    print(f"host memory: {rows} rows streamed in {secs:.2f}s, host peak RSS {rss / 2**20:.0f} MB")
    benchlib.record("runtime host peak RSS", "5M rows streamed (one run)", rss / 2**20, 200, "<", unit="MB")
benchlib.finish()
