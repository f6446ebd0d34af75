#!/usr/bin/env bash
# Runs each libFuzzer harness built by scripts/fuzz/build.sh for
# FUZZ_SECONDS (default 60), from its seed corpus in Tests/Fuzz/Corpus/NAME
# (read only) and a working corpus in .build/fuzz/corpus/NAME (what the
# fuzzer adds; kept between runs, never committed). FUZZ_TARGETS names a
# subset. A crash, an input slower than FUZZ_TIMEOUT seconds (a hang), a
# leak (LeakSanitizer after each input) or more than FUZZ_RSS_MB of memory
# fails the target; the input that did it is kept as
# .build/fuzz/findings/NAME/{crash,timeout,leak,oom}-<sha1> and its report
# in .build/fuzz/logs/NAME.log. Ends with one line per target: runs,
# seconds, corpus size, outcome.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=.build/fuzz
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-glob csv encoding gzip analyzer formats contract frames query mcp}
mkdir -p "$out/logs"
summary=()
failed=0
for t in $targets; do
    bin=$out/bin/fuzz-$t
    [ -x "$bin" ] || { echo "fuzz: $bin is missing: run scripts/fuzz/build.sh" >&2; exit 2; }
    mkdir -p "$out/corpus/$t" "$out/findings/$t"
    echo "fuzz: $t for ${seconds}s" >&2
    # TMPDIR: the harnesses that read files write them there, one per process.
    scratch=$(mktemp -d -t "casparian-fuzz-$t.XXXXXX")
    TMPDIR=$scratch "$bin" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
        -max_len="${FUZZ_MAX_LEN:-65536}" -detect_leaks=1 -print_final_stats=1 \
        -artifact_prefix="$out/findings/$t/" "$out/corpus/$t" "Tests/Fuzz/Corpus/$t" >"$out/logs/$t.log" 2>&1
    status=$?
    rm -rf "$scratch"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/logs/$t.log" | tail -1)
    corpus=$(ls "$out/corpus/$t" | wc -l)
    if [ "$status" = 0 ]; then
        outcome=clean
    else
        failed=1
        outcome="FAILED (status $status): $(grep -m1 -E 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|Fatal error|SUMMARY' "$out/logs/$t.log" | cut -c1-120)"
        ls "$out/findings/$t" >&2
    fi
    summary+=("$(printf '%-10s %12s runs %5ss  corpus %5s  %s' "$t" "${runs:-?}" "$seconds" "$corpus" "$outcome")")
done
echo
printf '%s\n' "${summary[@]}"
exit $failed
