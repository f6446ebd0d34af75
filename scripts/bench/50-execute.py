"""Execute throughput and host memory (issue 7).

20 CSV files, 1,000,000 rows in all, through a plugin that uses Python's csv
module, into SQLite with `casparian run`, against a plain Python script doing
the same parse and sqlite3.executemany into one table (a transaction per
file), in the same run. Target: casparian >= 1.5x faster; host peak RSS < 300 MB.
"""
import csv, os, sqlite3, subprocess, tempfile, threading, time

BIN = os.environ["CASPARIAN_BIN"]
PY = "/usr/bin/python3"
FILES, ROWS = 20, 1_000_000

PLUGIN = '''
import csv
pattern = "*.csv"
def parse(path, ctx):
    ctx.columns("id", "name", "price", "qty", "day")
    with open(path, newline="") as f:
        r = csv.reader(f)
        next(r)
        for id_, name, price, qty, day in r:
            yield (int(id_), name, float(price), int(qty), day)
'''
CONTRACT = '''{"id": "ctr_bench", "plugin": "bench", "version": 1, "approved_at": "2026-01-01T00:00:00.000Z", "approved_by": "bench",
 "schemas": [{"output": "bench", "mode": "strict", "columns": [
  {"name": "id", "type": "int64", "nullable": false}, {"name": "name", "type": "string", "nullable": false},
  {"name": "price", "type": "float64", "nullable": false}, {"name": "qty", "type": "int64", "nullable": false},
  {"name": "day", "type": "date", "nullable": false, "format": "%Y-%m-%d"}]}]}'''
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
    data = os.path.join(ws, "data")
    os.makedirs(data)
    per = ROWS // FILES
    for i in range(FILES):
        with open(os.path.join(data, f"part-{i:02d}.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "name", "price", "qty", "day"])
            for j in range(per):
                n = i * per + j
                w.writerow([n, f"item-{n % 997}", f"{(n % 10000) / 100:.2f}", n % 50, f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}"])
    os.makedirs(os.path.join(ws, "plugins", "bench"))
    open(os.path.join(ws, "plugins", "bench", "parser.py"), "w").write(PLUGIN)
    open(os.path.join(ws, "plugins", "bench", "contract.json"), "w").write(CONTRACT)
    subprocess.run([BIN, "scope", "create", "b", "--root", "data"], cwd=ws, check=True, capture_output=True)

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
