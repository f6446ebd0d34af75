"""The constraint solver alone (1M rows x 8 mixed columns, CPU time on one
core) against a plain pass over the same values (every string's bytes
read), the pairs timed in `casparian-bench solver`; then CSV read + solve on
the discover path (printed). Target: >= 50M values/s per core, the median
of the pairs' solver runs (the plain pass's ratio is printed)."""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

pairs, info = benchlib.swift_bench("solver")
rates = sorted(info["values"] / m / 1e6 for _, m in pairs.pairs)
print(f"solver: takes {pairs.describe()} the plain pass's time")
benchlib.record("solver", "50M values/s per core (absolute)", rates[len(rates) // 2], 50, ">=", lo=rates[0], hi=rates[-1],
                unit="M values/s")
benchlib.finish()
