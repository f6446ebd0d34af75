#!/usr/bin/env bash
# Output store bulk writes (OutputStore.writeFile) against binding the same
# rows straight through the sqlite3 C API, in the same run.
"$CASPARIAN_BENCH_BIN" output-store
