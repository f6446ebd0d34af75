"""`casparian discover` against DuckDB's sniff_csv, in the same run, the
median of alternating pairs: one generated 1,000,000-row, 8-column CSV
(sniff_csv(path, sample_size=-1), which reads every row as discover does),
and a folder of 400 small exports of four kinds (sniff_csv on each file in
one connection: what a user would run to type a folder file by file;
discover also groups them into families). Fails when discover is slower
than DuckDB on either."""
import json
import os
import random
import subprocess
import sys
import tempfile
import time

import duckdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

ROWS = 1_000_000


def generate(path):
    rnd = random.Random(7)
    names = ["Ana Souza", "Bo Lindqvist", "Chloé Martin", "Hiro Tanaka", "Kofi Mensah"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("id,order_date,region,customer,quantity,unit_price,amount,paid\n")
        for i in range(ROWS):
            m, d = rnd.randint(1, 12), rnd.randint(1, 28)
            qty = rnd.randint(1, 20)
            price = rnd.choice([4.5, 12.0, 19.95, 120.0])
            amount = "N/A" if i % 211 == 0 else f"{qty * price:.2f}"
            f.write(f"{100000 + i},2024-{m:02d}-{d:02d},{rnd.choice(['eu', 'north', 'south'])},"
                    f"{rnd.choice(names)},{qty},{price:.2f},{amount},{rnd.choice(['true', 'false'])}\n")


KINDS = [
    ("permits", "permit_id,issued,fee,zip\n", lambda r, i: f"P{i},2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d},{r.randint(5, 900)}.{r.randint(0, 99):02d},{r.randint(10000, 99999)}\n"),
    ("weather", "station;temp;humidity;when\n", lambda r, i: f"S{r.randint(1, 40)};{r.randint(-20, 40)},{r.randint(0, 9)};{r.randint(10, 100)};{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:00\n"),
    ("schools", "school,grade,students,public\n", lambda r, i: f"School {i},{r.randint(1, 12)},{r.randint(5, 40)},{r.choice(['Y', 'N'])}\n"),
    ("budget", "dept,year,amount,approved\n", lambda r, i: f"D{r.randint(1, 30)},{r.randint(2000, 2024)},\"{r.randint(1, 999)},{r.randint(100, 999)}\",{r.randint(0, 1)}\n"),
]


def generate_folder(folder, files=400, rows=200):
    rnd = random.Random(11)
    os.makedirs(folder)
    for k in range(files):
        name, header, row = KINDS[k % len(KINDS)]
        with open(os.path.join(folder, f"{name}_{k:04d}.csv"), "w", encoding="utf-8", newline="") as f:
            f.write(header)
            for i in range(rows):
                f.write(row(rnd, i))


def timed(fn):
    def run():
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t
    return run


def main():
    binary = os.environ.get("CASPARIAN_BIN", ".build/release/casparian")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "orders.csv")
        generate(path)
        ws = os.path.join(tmp, "ws")

        def casparian():
            r = subprocess.run([binary, "discover", path, "--json", "--workspace", ws],
                               capture_output=True, text=True, check=True)
            return json.loads(r.stdout)

        def duck():
            con = duckdb.connect()
            return con.execute(f"SELECT Columns FROM sniff_csv('{path}', sample_size=-1)").fetchall()

        doc = casparian()
        sniffed = duck()
        one = benchlib.paired(timed(duck), timed(casparian), 5)
        size = os.path.getsize(path) / 1e6
        cols = doc["outputs"][0]["columns"]
        print(f"discover: casparian {one.measured:.3f}s, duckdb sniff_csv(sample_size=-1) {one.baseline:.3f}s (the median pair) "
              f"({ROWS} rows x 8 columns, {size:.0f} MB)")
        print("discover: casparian types " + " ".join(f"{c['name']}={c['type']}" for c in cols))
        print(f"discover: duckdb columns {sniffed[0][0]}")
        print(f"discover: casparian takes {one.describe()} duckdb's time")

        folder = os.path.join(tmp, "exports")
        generate_folder(folder)
        files = sorted(os.path.join(folder, f) for f in os.listdir(folder))

        def casparian_folder():
            r = subprocess.run([binary, "discover", folder, "--json", "--workspace", ws],
                               capture_output=True, text=True, check=True)
            return json.loads(r.stdout)

        def duck_folder():
            con = duckdb.connect()
            return [con.execute(f"SELECT Columns FROM sniff_csv('{f}')").fetchall() for f in files]

        found = casparian_folder()
        many = benchlib.paired(timed(duck_folder), timed(casparian_folder), 5)
        outputs = sorted(o["name"] for o in found["outputs"])
        print(f"discover folder: casparian {many.measured:.3f}s ({len(outputs)} outputs: {', '.join(outputs)}), "
              f"duckdb sniff_csv per file {many.baseline:.3f}s ({len(files)} files) (the median pair)")
        print(f"discover folder: casparian takes {many.describe()} duckdb's time")
        benchlib.record_pairs("discover 1M-row file", "duckdb sniff_csv(sample_size=-1)", one, 1.0, "<=")
        benchlib.record_pairs("discover 400 files", "duckdb sniff_csv per file", many, 1.0, "<=")
        if outputs != sorted(k[0] for k in KINDS):
            sys.exit(f"discover folder: FAILED: expected one output per kind, got {outputs}")
        benchlib.finish()


if __name__ == "__main__":
    main()
