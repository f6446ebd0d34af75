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


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


def pairs(a, b, n=5):
    """Median and range of a/b over n back-to-back pairs, the order alternating, after a warm-up of each."""
    a(), b()
    ratios, ta, tb = [], [], []
    for k in range(n):
        order = [(a, ta), (b, tb)] if k % 2 == 0 else [(b, tb), (a, ta)]
        for fn, times in order:
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        ratios.append(ta[-1] / tb[-1])
    return median(ta), median(tb), median(ratios), min(ratios), max(ratios)


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
        t_cas, t_duck, ratio, lo, hi = pairs(casparian, duck)
        size = os.path.getsize(path) / 1e6
        cols = doc["outputs"][0]["columns"]
        print(f"discover: casparian {t_cas:.3f}s, duckdb sniff_csv(sample_size=-1) {t_duck:.3f}s "
              f"({ROWS} rows x 8 columns, {size:.0f} MB)")
        print("discover: casparian types " + " ".join(f"{c['name']}={c['type']}" for c in cols))
        print(f"discover: duckdb columns {sniffed[0][0]}")
        print(f"discover: casparian / duckdb time = {ratio:.2f}x (median of 5 pairs, range {lo:.2f}-{hi:.2f}; target <= 1.00)")

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
        f_cas, f_duck, f_ratio, f_lo, f_hi = pairs(casparian_folder, duck_folder)
        outputs = sorted(o["name"] for o in found["outputs"])
        print(f"discover folder: casparian {f_cas:.3f}s ({len(outputs)} outputs: {', '.join(outputs)}), "
              f"duckdb sniff_csv per file {f_duck:.3f}s ({len(files)} files)")
        print(f"discover folder: casparian / duckdb time = {f_ratio:.2f}x (median of 5 pairs, range {f_lo:.2f}-{f_hi:.2f}; target <= 1.00)")
        missed = [n for n, r in [("one large file", ratio), ("a folder of exports", f_ratio)] if r > 1.0]
        if outputs != sorted(k[0] for k in KINDS):
            print(f"discover folder: FAILED: expected one output per kind, got {outputs}")
            return 1
        if missed:
            print(f"discover: FAILED: slower than DuckDB's sniff_csv on {', '.join(missed)}")
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
