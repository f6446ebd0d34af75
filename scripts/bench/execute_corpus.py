"""The execute bench corpus, shared by 50-execute and 51-targets: 20 CSV
files, 1,000,000 rows in all, a plugin that parses them with Python's csv
module, its contract, and a scope `b` over them."""
import csv, os, subprocess

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


def write_corpus(ws, binary):
    """Writes the files, the plugin and the scope under `ws`; returns the data folder."""
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
    subprocess.run([binary, "scope", "create", "b", "--root", "data"], cwd=ws, check=True, capture_output=True)
    return data
