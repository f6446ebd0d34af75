"""Output store bulk writes (OutputStore.writeFile, 20 files x 50,000 rows, a
new database each run) against the same rows bound through the sqlite3 C
API with the store's own write policy (32 rows per INSERT, one transaction
per file, automatic checkpoints off and a PASSIVE checkpoint on its own
thread after each commit); the baseline does not do the store's per-file
bookkeeping (the replace lookup, the rowid range and write records).
Pairs timed in `casparian-bench output-store`. Target: writeFile takes at
most 1.15x the baseline's time (that bookkeeping and the dispatch on each
value's column type cost under 15%)."""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

pairs, _ = benchlib.swift_bench("output-store")
print(f"output store: writeFile takes {pairs.describe()} the raw baseline's time")
benchlib.record_pairs("output store", "raw sqlite3, same statements and checkpoints, no bookkeeping", pairs, 1.15, "<=")
benchlib.finish()
