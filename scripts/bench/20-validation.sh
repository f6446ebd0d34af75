#!/usr/bin/env bash
# Contract validation: cells/s on 1M rows x 8 columns with 1% violations,
# against a loop that only reads every cell (target >= 20M cells/s per core).
"$CASPARIAN_BENCH_BIN" validation
# VALIDATION_PER_COLUMN=1 adds each column's throughput on its own.
