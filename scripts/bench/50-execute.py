"""Execute throughput and host memory (issue 7).

20 CSV files, 1,000,000 rows in all, through a plugin that uses Python's csv
module, into SQLite with `casparian run`, against a plain Python script doing
the same parse and sqlite3.executemany into one table (a transaction per
file), in the same run. Target: casparian >= 1.5x faster; host peak RSS < 300 MB.
"""
import os, sqlite3, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from execute_corpus import write_corpus  # noqa: E402

BIN = os.environ["CASPARIAN_BIN"]
PY = "/usr/bin/python3"

BASELINE = '''
import csv, glob, sqlite3, sys, time
t = time.perf_counter()
db = sqlite3.connect(sys.argv[2])
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=NORMAL")
db.execute("CREATE TABLE bench (id INTEGER, name TEXT, price REAL, qty INTEGER, day TEXT, _file TEXT, _row INTEGER)")
for path in sorted(glob.glob(sys.argv[1] + "/*.csv")):
    with open(path, newline="") as f:
        r = csv.reader(f); next(r)
        rows = [(int(a), b, float(c), int(d), e, path, i) for i, (a, b, c, d, e) in enumerate(r, 1)]
    db.executemany("INSERT INTO bench VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
print(time.perf_counter() - t)
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


with tempfile.TemporaryDirectory() as ws:
    data = write_corpus(ws, BIN)

    base = []
    for k in range(2):
        out = subprocess.run([PY, "-c", BASELINE, data, os.path.join(ws, f"baseline-{k}.sqlite")], check=True,
                             capture_output=True, text=True).stdout
        base.append(float(out))
    times, rss = [], [0]
    for k in range(2):
        t = time.perf_counter()
        p = subprocess.Popen([BIN, "run", "bench", "--scope", "b", "--force", "--quiet"], cwd=ws,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        stop = threading.Event()
        th = threading.Thread(target=peak_rss, args=(p.pid, rss, stop)); th.start()
        err = p.communicate()[1]
        stop.set(); th.join()
        if p.returncode != 0:
            raise SystemExit(f"casparian run failed: {err.decode()[-2000:]}")
        times.append(time.perf_counter() - t)
    n = sqlite3.connect(os.path.join(ws, ".casparian", "output.sqlite")).execute("SELECT count(*) FROM bench").fetchone()[0]
    b, c = min(base), min(times)
    print(f"execute: {n} rows; python csv + executemany {b:.2f}s, casparian run {c:.2f}s: casparian {b / c:.2f}x faster (target >= 1.5x)")
    print(f"execute: host peak RSS {rss[0] / 2**20:.0f} MB (target < 300 MB)")
