#!/usr/bin/env bash
# Runs every benchmark script in this folder, in name order, then prints ONE
# table of every figure they recorded (benchlib.py: the median of alternating
# pairs against a baseline measured in the same run, its range, the target,
# met) and exits 1 when a target was missed or a bench crashed.
# BENCH_ONLY="50-execute 30-backtest" runs only those scripts.
set -uo pipefail
cd "$(dirname "$0")/../.."
export CASPARIAN_BIN="${CASPARIAN_BIN:-$PWD/.build/release/casparian}"
export CASPARIAN_BENCH_BIN="${CASPARIAN_BENCH_BIN:-$PWD/.build/release/casparian-bench}"
export BENCH_PYTHON="${BENCH_PYTHON:-$PWD/.venv-test/bin/python}"
results="$(mktemp "${TMPDIR:-/tmp}/casparian-bench-results.XXXXXX")"
trap 'rm -f "$results"' EXIT
export BENCH_RESULTS="$results"
crashed=()
for script in scripts/bench/[0-9]*.py; do
    name="$(basename "$script" .py)"
    if [ -n "${BENCH_ONLY:-}" ] && [[ " $BENCH_ONLY " != *" $name "* ]]; then continue; fi
    echo "== $name"
    "$BENCH_PYTHON" "$script"
    rc=$?
    # 3: ran to its end and missed a target (its rows say which); anything else non-zero is a crash.
    if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then crashed+=("$name:$rc"); fi
done
echo
echo "== summary"
"$BENCH_PYTHON" scripts/bench/benchlib.py table "$results" "${crashed[@]}"
