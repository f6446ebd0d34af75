"""Execute throughput and host memory (issues 7 and 21).

20 CSV files, 1,000,000 rows in all, through a plugin that uses Python's csv
module, into SQLite with `casparian run` (contract validation and lineage
included), against what a user would write instead, in the same run:

- plain Python: one process parses each file with the csv module and
  `executemany`s its rows into one table, a transaction per file;
- two cores (Python multiprocessing, one process per core, each taking every
  other file), two ways: (turns) both write into one database, a lock making
  them take turns, a transaction per file; (merge) each writes its own
  database, merged into one with ATTACH + INSERT ... SELECT at the end.
  Each pair's two-core baseline is the faster of the two in that pair.

Every side is timed as a whole process (wall time), in benchlib's pairs (the
baselines, then casparian, the order alternating, after a warm-up), each a
first load: the baselines write new databases, casparian's table is dropped
before each of its runs (untimed).
Targets: casparian >= 1.25x faster than the two-core baseline, >= 1.5x
faster than plain Python, host peak RSS < 300 MB. Every side's row count is
checked.
"""
import os, sqlite3, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from execute_corpus import ROWS, write_corpus  # noqa: E402
import benchlib  # noqa: E402

BIN = os.environ["CASPARIAN_BIN"]
PY = "/usr/bin/python3"
PAIRS = int(os.environ.get("EXECUTE_BENCH_PAIRS", "5"))

COMMON = '''
import csv, glob, os, sqlite3, sys
CREATE = "CREATE TABLE bench (id INTEGER, name TEXT, price REAL, qty INTEGER, day TEXT, _file TEXT, _row INTEGER)"
INSERT = "INSERT INTO bench VALUES (?, ?, ?, ?, ?, ?, ?)"

def connect(path):
    db = sqlite3.connect(path, timeout=60)
    db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=NORMAL")
    return db

def parse(path):
    with open(path, newline="") as f:
        r = csv.reader(f); next(r)
        return [(int(a), b, float(c), int(d), e, path, i) for i, (a, b, c, d, e) in enumerate(r, 1)]

files = sorted(glob.glob(sys.argv[1] + "/*.csv"))
out = sys.argv[2]
'''

SINGLE = COMMON + '''
db = connect(out)
db.execute(CREATE)
for path in files:
    db.executemany(INSERT, parse(path))
    db.commit()
'''

TURNS = COMMON + '''
import multiprocessing as mp

def work(part, lock):
    db = connect(out)
    for path in part:
        rows = parse(path)
        with lock:
            db.executemany(INSERT, rows)
            db.commit()
    db.close()

if __name__ == "__main__":
    db = connect(out); db.execute(CREATE); db.commit(); db.close()
    lock = mp.Lock()
    cores = os.cpu_count()
    procs = [mp.Process(target=work, args=(files[k::cores], lock)) for k in range(cores)]
    for p in procs: p.start()
    for p in procs: p.join()
    assert all(p.exitcode == 0 for p in procs)
'''

MERGE = COMMON + '''
import multiprocessing as mp

def work(part, path):
    db = connect(path); db.execute(CREATE)
    for file in part:
        db.executemany(INSERT, parse(file))
        db.commit()
    db.close()

if __name__ == "__main__":
    cores = os.cpu_count()
    parts = [f"{out}.part{k}" for k in range(cores)]
    procs = [mp.Process(target=work, args=(files[k::cores], parts[k])) for k in range(cores)]
    for p in procs: p.start()
    for p in procs: p.join()
    assert all(p.exitcode == 0 for p in procs)
    db = connect(out); db.execute(CREATE)
    for k, part in enumerate(parts):
        db.execute(f"ATTACH DATABASE ? AS p{k}", (part,))
        db.execute(f"INSERT INTO bench SELECT * FROM p{k}.bench")
        db.commit()
        db.execute(f"DETACH DATABASE p{k}")
    db.close()
'''


def peak_rss(pid, box, stop):
    while not stop.is_set():
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    box[0] = max(box[0], int(line.split()[1]) * 1024)
        except OSError:
            pass
        time.sleep(0.02)


def count(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT count(*) FROM bench").fetchone()[0]
    finally:
        db.close()


with tempfile.TemporaryDirectory() as ws:
    data = write_corpus(ws, BIN)
    scripts = {}
    for name, source in (("single", SINGLE), ("turns", TURNS), ("merge", MERGE)):
        scripts[name] = os.path.join(ws, f"baseline_{name}.py")
        with open(scripts[name], "w") as f:
            f.write(source)

    def python(name):
        out = os.path.join(ws, f"baseline-{name}.sqlite")
        for suffix in ("", "-wal", "-shm", ".part0", ".part1"):
            if os.path.exists(out + suffix):
                os.remove(out + suffix)
        seconds, _ = benchlib.wall([PY, scripts[name], data, out])
        n = count(out)
        if n != ROWS:
            sys.exit(f"execute: the {name} baseline wrote {n} rows, expected {ROWS}")
        return seconds

    baselines = []  # (single, turns, merge) seconds per run

    def baseline():
        single, turns, merge = python("single"), python("turns"), python("merge")
        baselines.append((single, turns, merge))
        return min(turns, merge)

    rss = [0]

    def casparian():
        # A first load, as each baseline's (a new database): the table is dropped first, untimed.
        benchlib.wall([BIN, "output", "drop", "bench"], cwd=ws, check=False)
        t = time.perf_counter()
        p = subprocess.Popen([BIN, "run", "bench", "--scope", "b", "--force", "--quiet"], cwd=ws, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        stop = threading.Event()
        th = threading.Thread(target=peak_rss, args=(p.pid, rss, stop))
        th.start()
        err = p.communicate()[1]
        stop.set()
        th.join()
        if p.returncode != 0:
            sys.exit(f"casparian run failed: {err.decode()[-2000:]}")
        return time.perf_counter() - t

    two = benchlib.paired(baseline, casparian, PAIRS, speedup=True)
    n = count(os.path.join(ws, ".casparian", "output.sqlite"))
    if n != ROWS:
        sys.exit(f"execute: casparian wrote {n} rows, expected {ROWS}")
    runs = baselines[1:]  # not the warm-up's
    one = benchlib.Pairs([(single, c) for (single, _, _), (_, c) in zip(runs, two.pairs)], speedup=True)
    turns_won = sum(1 for _, t, m in runs if t <= m)
    i = two.median_index
    print(f"execute: {n} rows; the median pair: plain python {runs[i][0]:.2f}s, two processes taking turns {runs[i][1]:.2f}s, "
          f"two processes then a merge {runs[i][2]:.2f}s, casparian run {two.measured:.2f}s "
          f"(the two-core baseline was 'turns' in {turns_won} of {len(runs)} pairs)")
    print(f"execute: casparian {two.describe()} faster than the faster two-core baseline; "
          f"{one.describe()} faster than plain python")
    benchlib.record_pairs("execute vs two cores", "python multiprocessing, 2 processes (faster of turns/merge)", two, 1.25, ">=")
    benchlib.record_pairs("execute vs one process", "python csv + executemany, 1 process", one, 1.5, ">=")
    print(f"execute: host peak RSS {rss[0] / 2**20:.0f} MB")
    benchlib.record("execute host peak RSS", "the highest over every run", rss[0] / 2**20, 300, "<", unit="MB")
benchlib.finish()
