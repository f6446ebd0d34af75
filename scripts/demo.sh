#!/usr/bin/env bash
# Walks the Casparian flow on examples/ with the built binary, printing each
# step. Run by `make demo` after the build. Works in a temporary copy so the
# repository stays untouched.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${CASPARIAN_BIN:-$ROOT/.build/debug/casparian}"
WORK="$(mktemp -d /tmp/casparian-demo.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$ROOT/examples/." "$WORK/"
cd "$WORK"

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }
run() { step "$1" "$2"; set +e; eval "$2"; local rc=$?; set -e; printf '(exit %d)\n' "$rc"; }

run "Preview the first-draft sales parser on a US file" \
    "$BIN preview sales/data/north/sales_2024-02.csv --plugin sales/plugins/sales -n 5"
run "The same parser on an EU file: day-first dates break it, with the plugin's line" \
    "$BIN preview sales/data/eu/sales_2024-08.csv --plugin sales/plugins/sales -n 5"
run "The fixed parser handles the EU file (and the new discount column)" \
    "$BIN preview sales/data/eu/sales_2024-08.csv --plugin sales/fixed/sales -n 5"
run "The access-log parser: a non-CSV format, tuples on the fast path" \
    "$BIN preview weblogs/data/web2/access-2024-03-03.log --plugin weblogs/fixed/weblogs -n 5"
