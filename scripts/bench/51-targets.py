"""Output targets (issue 18): the execute bench corpus (20 CSV files,
1,000,000 rows) into a Parquet folder and into PostgreSQL, against what a
user would otherwise write, in the same run:

- Parquet: plain Python that parses each file with the csv module and writes
  it with pyarrow's `pq.write_table` (zstd), one Parquet file per CSV file.
- PostgreSQL: plain Python that parses each file and sends it with psycopg's
  COPY, one transaction per file, into a throwaway local server (a new
  table each time; Casparian's table is dropped before each of its runs, so
  both are first loads; a re-run that replaces every file is reported too).

Each figure is benchlib's: the median of 3 alternating pairs after a warm-up, with the range.
Target: each Casparian target at least as fast as its baseline. The files
Casparian writes must be read whole by pyarrow and DuckDB (row count and
sum), and PostgreSQL's rows must add up the same. Fails when a target is
missed or a check does not hold.
"""
import os, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from execute_corpus import FILES, ROWS, write_corpus  # noqa: E402
import benchlib  # noqa: E402

BIN = os.environ["CASPARIAN_BIN"]
PY = sys.executable
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAIRS = 3

PARQUET_BASELINE = '''
import csv, datetime, glob, os, sys, time
import pyarrow as pa, pyarrow.parquet as pq
t = time.perf_counter()
os.makedirs(sys.argv[2], exist_ok=True)
for path in sorted(glob.glob(sys.argv[1] + "/*.csv")):
    ids, names, prices, qtys, days = [], [], [], [], []
    with open(path, newline="") as f:
        r = csv.reader(f); next(r)
        for a, b, c, d, e in r:
            ids.append(int(a)); names.append(b); prices.append(float(c)); qtys.append(int(d))
            days.append(datetime.date.fromisoformat(e))
    n = len(ids)
    table = pa.table({"id": pa.array(ids, pa.int64()), "name": names, "price": prices, "qty": pa.array(qtys, pa.int64()),
                      "day": pa.array(days, pa.date32()), "_file": [path] * n, "_row": pa.array(range(1, n + 1), pa.int64())})
    pq.write_table(table, os.path.join(sys.argv[2], os.path.basename(path) + ".parquet"), compression="zstd")
print(time.perf_counter() - t)
'''

POSTGRES_BASELINE = '''
import csv, datetime, glob, sys, time
import psycopg
t = time.perf_counter()
with psycopg.connect(sys.argv[2]) as conn:
    conn.execute("DROP TABLE IF EXISTS baseline")
    conn.execute("CREATE TABLE baseline (id bigint, name text, price double precision, qty bigint, day date, _file text, _row bigint)")
    conn.commit()
    for path in sorted(glob.glob(sys.argv[1] + "/*.csv")):
        with conn.cursor() as cur:
            with cur.copy("COPY baseline FROM STDIN") as copy:
                with open(path, newline="") as f:
                    r = csv.reader(f); next(r)
                    for i, (a, b, c, d, e) in enumerate(r, 1):
                        copy.write_row((int(a), b, float(c), int(d), datetime.date.fromisoformat(e), path, i))
        conn.commit()
print(time.perf_counter() - t)
'''


def timed(cmd, cwd):
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} failed: {p.stderr[-2000:]}")
    return time.perf_counter() - t, p.stdout


failed = False
expected_sum = sum(range(ROWS))
with tempfile.TemporaryDirectory() as ws:
    os.chmod(ws, 0o755)
    data = write_corpus(ws, BIN)

    # Parquet.
    lake = os.path.join(ws, "lake")
    pq_pairs = benchlib.paired(
        lambda: float(timed([PY, "-c", PARQUET_BASELINE, data, os.path.join(ws, "baseline-parquet")], ws)[1]),
        lambda: timed([BIN, "run", "bench", "--scope", "b", "--force", "--quiet", "--to", f"parquet:{lake}"], ws)[0],
        PAIRS, speedup=True)
    base, cas = pq_pairs.baseline, pq_pairs.measured
    import duckdb, pyarrow.parquet as pq
    t = pq.read_table(os.path.join(lake, "bench"))
    arrow_rows, arrow_sum = t.num_rows, sum(t.column("id").to_pylist())
    duck_rows, duck_sum = duckdb.sql(f"SELECT count(*), sum(id) FROM read_parquet('{lake}/bench/*.parquet')").fetchall()[0]
    ok = (arrow_rows, arrow_sum) == (duck_rows, duck_sum) == (ROWS, expected_sum)
    size = sum(os.path.getsize(os.path.join(lake, "bench", f)) for f in os.listdir(os.path.join(lake, "bench")) if f.endswith(".parquet"))
    print(f"parquet: {ROWS} rows in {FILES} files ({size / 2**20:.1f} MiB); python csv + pq.write_table {base:.2f}s, "
          f"casparian run --to parquet {cas:.2f}s (the median pair): casparian {pq_pairs.describe()} faster; "
          f"pyarrow reads {arrow_rows} rows, DuckDB {duck_rows}, sums {'match' if ok else 'DIFFER'}")
    benchlib.record_pairs("parquet target", "python csv + pq.write_table (speed-up)", pq_pairs, 1.0, ">=")
    failed = not ok

    # PostgreSQL, on a throwaway server.
    pg = os.path.join(ws, "pg")
    url = subprocess.run(["bash", os.path.join(ROOT, "scripts", "test-postgres.sh"), "start", pg], check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    try:
        def first_load():
            # Like the baseline, which creates its table anew: a first load (the drop is not timed).
            p = subprocess.run([BIN, "output", "drop", "bench", "--target", url, "--schema", "bench"], cwd=ws, capture_output=True,
                               text=True)
            if p.returncode != 0 and "has no output table" not in p.stderr:
                raise SystemExit(f"casparian output drop failed: {p.stderr}")
            return timed([BIN, "run", "bench", "--scope", "b", "--force", "--quiet", "--to", url, "--schema", "bench"], ws)[0]
        pg_pairs = benchlib.paired(lambda: float(timed([PY, "-c", POSTGRES_BASELINE, data, url], ws)[1]), first_load, PAIRS,
                                   speedup=True)
        base, cas = pg_pairs.baseline, pg_pairs.measured
        # For information: a re-run that replaces every file's rows (deletes by lineage, then COPY).
        rerun = timed([BIN, "run", "bench", "--scope", "b", "--force", "--quiet", "--to", url, "--schema", "bench"], ws)[0]
        import psycopg
        with psycopg.connect(url) as conn:
            rows, total = conn.execute("SELECT count(*), sum(id) FROM bench.bench").fetchone()
            base_rows = conn.execute("SELECT count(*) FROM baseline").fetchone()[0]
        ok = (rows, int(total)) == (ROWS, expected_sum) and base_rows == ROWS
        print(f"postgresql: {ROWS} rows in {FILES} files; python csv + psycopg COPY {base:.2f}s, "
              f"casparian run --to postgresql {cas:.2f}s (the median pair): casparian {pg_pairs.describe()} faster; "
              f"psycopg reads {rows} rows, sum {'matches' if ok else 'DIFFERS'}; a re-run replacing every file {rerun:.2f}s")
        benchlib.record_pairs("postgresql target", "python csv + psycopg COPY (speed-up)", pg_pairs, 1.0, ">=")
        failed = failed or not ok
    finally:
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "test-postgres.sh"), "stop", pg], capture_output=True)

if failed:
    sys.exit("targets: what casparian wrote does not read back whole (see above)")
benchlib.finish()
