"""File content hashing (SHA-256, a scope's content hashes) on a 1 GiB file.

Baseline: coreutils' sha256sum on the same file, timed in pairs with
`casparian-bench hash` in the same run, the two sides alternating which goes
first (benchlib: the median of the pairs after a warm-up, with the range). Target: casparian >= 1.0x sha256sum's
throughput (libcrypto runs at ~5.7x here; the hand-written Swift SHA-256 it
replaced ran at ~0.6x).
"""
import os, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

BENCH = os.environ["CASPARIAN_BENCH_BIN"]
SIZE = 1 << 30
TARGET = 1.0


def sha256sum(path):
    started = time.perf_counter()
    out = subprocess.run(["sha256sum", path], check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - started, out.split()[0]


def casparian(path):
    started = time.perf_counter()
    out = subprocess.run([BENCH, "hash", path], check=True, capture_output=True, text=True).stdout.split()
    return time.perf_counter() - started, out[2]


with tempfile.TemporaryDirectory() as root:
    path = os.path.join(root, "random.bin")
    with open(path, "wb") as f:
        for _ in range(SIZE >> 24):
            f.write(os.urandom(1 << 24))
    sha256sum(path)  # into the page cache: both sides read it from memory
    digests = set()

    def checked(side):
        def run():
            seconds, digest = side(path)
            digests.add(digest)
            if len(digests) != 1:
                sys.exit(f"hash: casparian's digest and sha256sum's differ: {sorted(digests)}")
            return seconds
        return run

    pairs = benchlib.paired(checked(sha256sum), checked(casparian), 7, speedup=True)
    mb = SIZE / 1e6
    print(f"hash: 1 GiB, sha256sum {mb / pairs.baseline:.0f} MB/s, casparian {mb / pairs.measured:.0f} MB/s (the median pair): "
          f"casparian's throughput {pairs.describe()} sha256sum's")
    benchlib.record_pairs("hash (SHA-256)", "sha256sum (throughput ratio)", pairs, TARGET, ">=")
benchlib.finish()
