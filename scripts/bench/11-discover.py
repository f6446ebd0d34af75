"""`casparian discover` on a generated 1,000,000-row, 8-column CSV against
DuckDB's sniff_csv(path, sample_size=-1) on the same file, in the same run."""
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


def best_of(n, fn):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


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

        t_cas, doc = best_of(3, casparian)
        t_duck, sniffed = best_of(3, duck)
        size = os.path.getsize(path) / 1e6
        cols = doc["outputs"][0]["columns"]
        print(f"discover: casparian {t_cas:.3f}s, duckdb sniff_csv(sample_size=-1) {t_duck:.3f}s "
              f"({ROWS} rows x 8 columns, {size:.0f} MB)")
        print("discover: casparian types " + " ".join(f"{c['name']}={c['type']}" for c in cols))
        print(f"discover: duckdb columns {sniffed[0][0]}")
        print(f"discover: casparian / duckdb time = {t_cas / t_duck:.2f}x (below 1 is faster than DuckDB)")


if __name__ == "__main__":
    sys.exit(main())
