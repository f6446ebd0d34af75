#!/usr/bin/env bash
# The constraint solver alone (1M rows x 8 mixed columns, one core) against a
# plain pass over the same values; then CSV read + solve on the discover path.
"$CASPARIAN_BENCH_BIN" solver
