"""Plugin runtime overhead, parallelism and host memory (issue 3).

Baseline: Debian's /usr/bin/python3 running the same parse() and consuming
every row, timed in pairs with casparian in the same run (the median pair is
reported). Prints ratios; targets: tuples <= 1.25x, dicts
<= 1.5x, 2 workers vs 1 >= 1.7x (8 files of 1M rows), host peak RSS < 200 MB
for 5M rows.
"""
import os, subprocess, sys, tempfile, time, textwrap

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


def paired(fa, fb, n):
    """Times the two sides back to back n times and returns the pair whose
    ratio b/a is the median, with all the ratios: a shared machine's speed
    swings by up to ~1.7x for seconds at a time, so only times taken
    together are compared, and the median is robust to a pair that straddles
    a swing."""
    pairs = []
    for _ in range(n):
        a, b = fa(), fb()
        pairs.append((b / a, a, b))
    pairs.sort()
    return pairs[len(pairs) // 2], [r for r, _, _ in pairs]


with tempfile.TemporaryDirectory() as root:
    one = counts(root, 1, ROWS)
    for mode, target in (("tuple", 1.25), ("dict", 1.5)):
        d = plugin(root, mode)
        (ratio, b, c), ratios = paired(lambda: baseline(d, one), lambda: casparian(d, 1, one)[0], 9)
        print(f"overhead {mode:5}: python {b:.3f}s, casparian {c:.3f}s, ratio {ratio:.2f}x "
              f"(median of {len(ratios)} pairs, range {ratios[0]:.2f}-{ratios[-1]:.2f}; target <= {target}x)")

    # Eight files of 1M rows each. Each pair of runs (1 worker and 2) is
    # timed back to back and gives one speed-up; the median of the pairs is
    # reported, since this machine's speed can change by ~1.7x between runs.
    # Plain Python run the same way (one process over the 8 files, against
    # two processes over 4 each) shows what two cores give at that moment.
    # The two sides of a pair alternate which goes first, so a drift of the
    # machine's speed does not always favour the same side. The host's CPU
    # against the workers' shows what the host's decoding takes from them.
    d = plugin(root, "tuple")
    eight = counts(os.path.join(root), 8, ROWS)
    pairs, plain, host_share = [], [], []
    for i in range(7):
        if i % 2:
            two = casparian(d, 2, eight)
            t1, t2 = casparian(d, 1, eight)[0], two[0]
        else:
            t1 = casparian(d, 1, eight)[0]
            two = casparian(d, 2, eight)
            t2 = two[0]
        host_share.append(two[3] / two[4])
        pairs.append((t1 / t2, t1, t2))  # a speed-up: t1 / t2
        p1 = baseline(d, eight)
        started = time.perf_counter()
        procs = [subprocess.Popen([PY, "-c", BASELINE, os.path.join(d, "parser.py")] + half, stdout=subprocess.DEVNULL)
                 for half in (eight[:4], eight[4:])]
        for proc in procs:
            proc.wait()
        plain.append(p1 / (time.perf_counter() - started))
    pairs.sort()
    ratio, t1, t2 = pairs[len(pairs) // 2]
    print(f"parallelism: 8 files x 1M rows, 1 worker {t1:.2f}s, 2 workers {t2:.2f}s, speed-up {ratio:.2f}x "
          f"(median of {len(pairs)} pairs, range {pairs[0][0]:.2f}-{pairs[-1][0]:.2f}; target >= 1.7x); "
          f"plain python, 2 processes against 1: {sorted(plain)[len(plain) // 2]:.2f}x; "
          f"host CPU {100 * sorted(host_share)[len(host_share) // 2]:.1f}% of the 2 workers' CPU")

    five = counts(os.path.join(root), 5, ROWS)
    secs, rows, rss, _, _ = casparian(d, 2, five)
    print(f"host memory: {rows} rows streamed in {secs:.2f}s, host peak RSS {rss / 2**20:.0f} MB (target < 200 MB)")
