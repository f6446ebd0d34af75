#!/usr/bin/env bash
# Runs every benchmark script in this folder, in name order. Each prints its
# figures and ratios against a baseline measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CASPARIAN_BIN="${CASPARIAN_BIN:-$PWD/.build/release/casparian}"
export CASPARIAN_BENCH_BIN="${CASPARIAN_BENCH_BIN:-$PWD/.build/release/casparian-bench}"
export BENCH_PYTHON="${BENCH_PYTHON:-$PWD/.venv-test/bin/python}"
status=0
for script in scripts/bench/[0-9]*; do
    echo "== $(basename "$script")"
    case "$script" in
        *.py) "$BENCH_PYTHON" "$script" || status=1 ;;
        *.sh) bash "$script" || status=1 ;;
    esac
done
exit $status
