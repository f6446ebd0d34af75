#!/usr/bin/env bash
# Walks the whole Casparian flow on examples/ with the built binary, printing
# each step: scan, scope, discover, approve, backtest (failing), fix, backtest
# (fail-fast, then green), execute, query, execute into Parquet and read it
# with DuckDB — then the same for a non-CSV
# format. Works in a temporary copy so the repository stays untouched.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${CASPARIAN_BIN:-$ROOT/.build/debug/casparian}"
PY="${CASPARIAN_DEMO_PYTHON:-$ROOT/.venv-test/bin/python}"  # DuckDB, from `make deps`
WORK="$(mktemp -d /tmp/casparian-demo.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$ROOT/examples/." "$WORK/"
export NO_COLOR="${NO_COLOR:-}" COLUMNS="${COLUMNS:-120}"

bold=$'\033[1m'; dim=$'\033[2m'; off=$'\033[0m'
[ -t 1 ] || { bold=""; dim=""; off=""; }
step() { printf '\n%s━━ %s%s\n%s$ %s%s\n' "$bold" "$1" "$off" "$dim" "$2" "$off"; }
casparian() { "$BIN" "$@"; }  # the commands read as a user types them
python() { "$PY" "$@"; }
run() {  # run "title" "command" [expected-exit]
    step "$1" "$2"
    set +e; (cd "$PWD" && eval "$2"); local rc=$?; set -e
    if [ "$rc" != "${3:-0}" ]; then echo "demo: expected exit ${3:-0}, got $rc" >&2; exit 1; fi
}

cd "$WORK/sales"
echo "${bold}Casparian demo — monthly sales exports from four regions (examples/sales)${off}"
echo "One region (eu/) writes day-first dates, a discount column appears in July,"
echo "some files say N/A, two uploads are truncated and one is Latin-1."

run "1. Scan: what is there (metadata only)" "casparian scan data --top 3"
run "2. Scope: name the file set" "casparian scope create sales --root data --include '**/*.csv'"
step "3. Discover: the solver proves types from every value — and asks where the data cannot decide" "casparian discover data"
"$BIN" discover data | tee "$WORK/discovery.txt"
DISCOVERY=$(grep -o 'disc_[a-z0-9]*' "$WORK/discovery.txt" | head -1)
run "4. Approve: answer the open question and lock the schema as plugin sales's contract" \
    "casparian approve $DISCOVERY --plugin sales --answer order_date=date:%m/%d/%Y --by demo"
run "5. Preview the first-draft parser on an EU file: the traceback points at the plugin's line" \
    "casparian preview data/eu/sales_2024-08.csv --plugin plugins/sales -n 3" 1
run "6. Backtest the first draft over the whole scope: it fails, clustered with suggestions" \
    "casparian backtest sales --scope sales" 1
step "7. Fix, first try: handle N/A and the new discount column (not the dates yet)" "cp fixes/v2/parser.py plugins/sales/parser.py"
cp fixes/v2/parser.py plugins/sales/parser.py
run "8. Backtest again: the files that failed go first — the EU ones still fail, so it stops early" \
    "casparian backtest sales --scope sales" 1
step "9. Fix, second try: day-first dates for eu/, Latin-1 fallback, truncated last rows" "cp fixes/v3/parser.py plugins/sales/parser.py"
cp fixes/v3/parser.py plugins/sales/parser.py
run "10. Backtest: known-bad files first, then the rest — green" "casparian backtest sales --scope sales"
run "11. Execute into SQLite tables with lineage" "casparian run sales --scope sales"
run "12. Query the output (read-only)" \
    "casparian query \"SELECT region, count(*) AS orders, round(sum(amount), 2) AS revenue, sum(amount IS NULL) AS missing_amounts FROM sales GROUP BY region ORDER BY region\""
run "13. Lineage: every row knows its file, row and parser version" \
    "casparian query \"SELECT order_id, order_date, _cf_file, _cf_row, _cf_parser_version FROM sales WHERE region = 'eu' LIMIT 3\""
run "14. Re-running is idempotent: unchanged files are skipped" "casparian run sales --scope sales"
run "15. Execute into a Parquet folder instead: one dataset per table, one file per source file" \
    "casparian run sales --scope sales --to parquet:lake --quiet && ls lake/sales | head -4"
run "16. Read the same numbers with DuckDB, straight from the Parquet files" \
    "python -c \"import duckdb; duckdb.sql(\\\"SELECT region, count(*) AS orders, round(sum(amount), 2) AS revenue FROM read_parquet('lake/sales/*.parquet', union_by_name = true) GROUP BY region ORDER BY region\\\").show()\""

cd "$WORK/weblogs"
echo
echo "${bold}Second corpus — web server access logs (not CSV), parsed by a Python plugin (examples/weblogs)${off}"
run "17. Preview the log parser: a 304 with no body ('-') breaks int()" \
    "casparian preview data/web1/access-2024-03-01.log --plugin plugins/weblogs -n 3" 1
run "18. CI mode, no workspace: every plugin in plugins/ over the corpus, with JUnit for the CI system" \
    "casparian backtest plugins --corpus data --junit $WORK/junit.xml" 1
step "19. Fix the parser: no body is a missing size, not an error" "cp fixes/v2/parser.py plugins/weblogs/parser.py"
cp fixes/v2/parser.py plugins/weblogs/parser.py
run "20. CI mode again, in two shards as two CI jobs would run it" \
    "casparian backtest plugins --corpus data --shard 1/2 --junit $WORK/junit-1.xml && casparian backtest plugins --corpus data --shard 2/2 --junit $WORK/junit-2.xml"
echo
echo "${bold}Done.${off} The shards ran $(grep -c '<testcase' "$WORK/junit-1.xml") + $(grep -c '<testcase' "$WORK/junit-2.xml") files of the corpus."
