"""One run, many machines (issue 19): the bench corpus (20 CSV files,
1,000,000 rows) into PostgreSQL by one node of two workers (`casparian run
--to URL --jobs 2`, what a user runs on one machine) against two nodes of one
worker each sharing the run through a PostgreSQL coordinator (`run
--coordinator` and `join`), on this two-core machine: this measures what
coordinating costs, not scale. Pairs, alternating order, after a warm-up;
the median ratio with its range. Target: the two nodes reach >= 0.9x the
single node's throughput.

Then the per-file coordination cost: 2,000 one-row files run by two nodes;
every call a node makes to the coordinator (claims carrying the file ends,
joins, leaves, polls) is timed by the node itself (`coordination` in its
JSON report). Target: under 2 ms a file. Both runs are checked: every row
once.
"""
import json, os, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from execute_corpus import FILES, ROWS, write_corpus  # noqa: E402

BIN = os.environ["CASPARIAN_BIN"]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PG = os.path.join(ROOT, "scripts", "test-postgres.sh")
PAIRS = 9
SMALL_FILES = 2000


def psql(url, sql):
    return subprocess.run(["psql", "-X", "-At", "-d", url, "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def single(ws, url):
    t = time.perf_counter()
    p = subprocess.run([BIN, "run", "bench", "--scope", "b", "--to", url, "--force", "--jobs", "2", "--quiet"], cwd=ws,
                       capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"casparian run failed: {p.stderr[-2000:]}")
    return wall


def two_nodes(ws, url, plugin="bench", scope="b"):
    """Wall time of two nodes sharing one run, and their JSON reports."""
    t = time.perf_counter()
    common = ["--jobs", "1", "--quiet", "--json"]
    first = subprocess.Popen([BIN, "run", plugin, "--scope", scope, "--to", url, "--coordinator", url, "--force", *common], cwd=ws,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen([BIN, "join", "--coordinator", url, "--wait", "30", *common], cwd=ws, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    outs = [p.communicate() for p in (first, second)]
    wall = time.perf_counter() - t
    for p, (out, err) in zip((first, second), outs):
        if p.returncode != 0:
            raise SystemExit(f"a node failed: {err[-2000:]}")
    return wall, [json.loads(out) for out, _ in outs]


def expect_rows(url, table, n):
    got = psql(url, f"SELECT count(*), count(DISTINCT _cf_file) FROM {table}")
    if int(got.split("|")[0]) != n:
        raise SystemExit(f"expected {n} rows in {table}, found {got}")


with tempfile.TemporaryDirectory(prefix="cb-", dir="/tmp") as scratch:
    os.chmod(scratch, 0o755)
    pg = os.path.join(scratch, "pg")
    url = subprocess.run(["bash", PG, "start", pg], check=True, capture_output=True, text=True).stdout.strip()
    try:
        ws = os.path.join(scratch, "ws")
        os.makedirs(ws)
        write_corpus(ws, BIN)
        def one_node():
            return single(ws, url)

        def shared():
            wall, _ = two_nodes(ws, url)
            expect_rows(url, "bench", ROWS)
            return wall

        # Speed-up of the two nodes over the one: >= 0.9 means they reach 90% of its throughput.
        pairs = benchlib.paired(one_node, shared, PAIRS, speedup=True)
        # Per-file cost: many one-row files.
        small = os.path.join(ws, "small")
        os.makedirs(small)
        for i in range(SMALL_FILES):
            with open(os.path.join(small, f"s-{i:05d}.csv"), "w") as f:
                f.write(f"id,name,price,qty,day\n{10_000_000 + i},x,1.5,2,2024-01-02\n")
        subprocess.run([BIN, "scope", "create", "s", "--root", "small"], cwd=ws, check=True, capture_output=True)
        _, reports = two_nodes(ws, url, scope="s")
        calls = sum(r["coordination"]["calls"] for r in reports)
        spent = sum(r["coordination"]["seconds"] for r in reports)
        per_file_ms = 1000 * spent / SMALL_FILES
        ended = sum(r["report"]["files_ok"] for r in reports)
        if ended != SMALL_FILES:
            raise SystemExit(f"expected {SMALL_FILES} files written by the two nodes, found {ended}")
        # The ceiling many nodes share: the server storing rows sent with COPY
        # (psql's COPY of the same CSV files into a table of the same columns).
        psql(url, "CREATE TABLE copy_ceiling (id bigint, name text, price double precision, qty bigint, day date)")
        data = os.path.join(ws, "data")
        t = time.perf_counter()
        for name in sorted(os.listdir(data)):
            subprocess.run(["psql", "-X", "-q", "-d", url, "-c", f"\\copy copy_ceiling FROM '{os.path.join(data, name)}' CSV HEADER"],
                           check=True, capture_output=True)
        copy_rate = ROWS / (time.perf_counter() - t)
    finally:
        subprocess.run(["bash", PG, "stop", pg], capture_output=True)

print(f"coordinated inputs: one node of two workers {FILES / pairs.baseline:.1f} files/s, {ROWS / pairs.baseline:,.0f} rows/s; "
      f"PostgreSQL COPY ceiling {copy_rate:,.0f} rows/s (psql COPY of the same CSV files); "
      f"coordination {per_file_ms:.2f} ms a file over {SMALL_FILES} files ({calls} calls)")
benchlib.record_pairs("coordinated: 2 nodes x 1 worker", "1 node x 2 workers (throughput ratio)", pairs, 0.90, ">=")
benchlib.record("coordination per file", f"{SMALL_FILES} one-row files, 2 nodes", per_file_ms, 2.0, "<", unit="ms")
benchlib.finish()
