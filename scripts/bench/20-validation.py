"""Contract validation (1M rows x 8 columns with 1% violations, CPU time on
one core) against a loop that only reads every cell, the pairs timed in
`casparian-bench validation`. Target: >= 20M cells/s per core, the median of
the pairs' validation runs (the read-every-cell loop's ratio is printed).
VALIDATION_PER_COLUMN=1 adds each column's throughput on its own."""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

pairs, info = benchlib.swift_bench("validation")
rates = sorted(info["cells"] / m / 1e6 for _, m in pairs.pairs)
print(f"validation: takes {pairs.describe()} the read-every-cell loop's time")
benchlib.record("validation", "20M cells/s per core (absolute)", rates[len(rates) // 2], 20, ">=", lo=rates[0], hi=rates[-1],
                unit="M cells/s")
benchlib.finish()
