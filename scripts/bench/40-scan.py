"""`casparian scan --json --hidden` on a generated tree of 100,000 files
against `find ROOT -printf '%s %p\\n'`, both writing to /dev/null, both warm (the tree is read once
before timing). Target: scan takes at most 1.5x find's time. The tree is
kept between runs under $SCAN_BENCH_ROOT (default $TMPDIR/casparian-bench-scan-tree)."""
import json, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

BIN = os.environ["CASPARIAN_BIN"]
ROOT = os.environ.get("SCAN_BENCH_ROOT") or os.path.join(tempfile.gettempdir(), "casparian-bench-scan-tree")
EXTS = ["csv", "json", "txt", "log", "parquet", "tsv", "xml", ""]


def generate(root):
    import shutil
    shutil.rmtree(root, ignore_errors=True)
    n = 0
    for a in range(20):
        for b in range(50):
            d = os.path.join(root, f"top{a:02d}", f"sub{b:02d}")
            os.makedirs(d, exist_ok=True)
            for i in range(100):
                ext = EXTS[(a * 7 + b * 3 + i) % len(EXTS)]
                with open(os.path.join(d, f"file_{i:03d}" + (f".{ext}" if ext else "")), "wb") as f:
                    f.write(b"x" * ((i * 37 + b) % 300))
                n += 1
    open(os.path.join(root, ".complete"), "w").close()
    print(f"generated {n} files under {root}", file=sys.stderr)


if not os.path.isfile(os.path.join(ROOT, ".complete")):
    generate(ROOT)
find = ["find", ROOT, "-printf", "%s %p\\n"]
scan = [BIN, "scan", ROOT, "--json", "--hidden"]
files = json.loads(benchlib.wall(scan)[1].stdout)["file_count"]
pairs = benchlib.paired(lambda: benchlib.wall(find, discard_stdout=True)[0], lambda: benchlib.wall(scan, discard_stdout=True)[0], 9)
print(f"scan: {files} files; find -printf {pairs.baseline * 1000:.1f} ms, casparian scan --json {pairs.measured * 1000:.1f} ms "
      f"(the median pair): scan takes {pairs.describe()} find's time")
benchlib.record_pairs("scan", "find -printf", pairs, 1.5, "<=")
benchlib.finish()
