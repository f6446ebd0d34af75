#!/usr/bin/env bash
# The test suite under AddressSanitizer, then under ThreadSanitizer
# (`make sanitize`; SANITIZERS="address" or "thread" runs one). Each builds
# into a folder of its own (.build-address, .build-thread) so the normal
# .build is untouched, and runs every test as `make test` does (a scratch
# TMPDIR, the test venv, a throwaway PostgreSQL server), less the release
# binaries (they are built without a sanitizer). A sanitizer report in the
# test process or in any casparian process a test starts fails the run:
# AddressSanitizer ends that process at once (halt_on_error), ThreadSanitizer
# lets it finish and exits non-zero; every report is written to
# .build-<sanitizer>/sanitizer-logs/ (one file per process) and shown at the end.
#
# Leak detection is off in this run (detect_leaks=0): the workers embed
# CPython, which by design is never finalized (a worker flushes and exits),
# so every worker would report the interpreter's memory. The untrusted-input
# readers are checked for leaks by the fuzzers (make fuzz), input by input.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
sanitizers=${SANITIZERS:-address thread}
venv=${CASPARIAN_TEST_VENV:-$root/.venv-test}
status=0
for sanitizer in $sanitizers; do
    build=$root/.build-$sanitizer
    logs=$build/sanitizer-logs
    rm -rf "$logs" && mkdir -p "$logs"
    echo "sanitize: building the tests with --sanitize=$sanitizer into $build" >&2
    if ! swift build --build-tests --sanitize="$sanitizer" --scratch-path "$build"; then
        echo "sanitize: the $sanitizer build failed" >&2
        status=1
        continue
    fi
    scratch=$(mktemp -d -t "casparian-$sanitizer.XXXXXX") && chmod 755 "$scratch"
    pg_url=$(bash scripts/test-postgres.sh start "$scratch/pg") || { rm -rf "$scratch"; exit 1; }
    echo "sanitize: running the tests under $sanitizer" >&2
    # log_path: a report of a child process (a worker, the CLI) would otherwise go to a stderr a test may swallow.
    ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:log_path=$logs/asan" \
        TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:log_path=$logs/tsan" \
        TMPDIR=$scratch CASPARIAN_TEST_VENV=$venv CASPARIAN_TEST_POSTGRES_URL="$pg_url" \
        swift test --skip-build --sanitize="$sanitizer" --scratch-path "$build" ${SANITIZE_FILTER:+--filter "$SANITIZE_FILTER"}
    tests=$?
    bash scripts/test-postgres.sh stop "$scratch/pg"
    rm -rf "$scratch"
    # The segfault fixture (Tests/PluginHostTests/Fixtures/plugins/segfault)
    # crashes its worker on purpose with ctypes.string_at(0): the sanitizer
    # reports that SEGV, which the tests expect. Set those aside, by the
    # ctypes frames under a SEGV; anything else fails the run.
    mkdir -p "$logs/expected"
    for r in "$logs"/asan.* "$logs"/tsan.*; do
        [ -f "$r" ] || continue
        if grep -q "SEGV on unknown address" "$r" && grep -q "_ctypes.cpython" "$r"; then mv "$r" "$logs/expected/"; fi
    done
    expected=$(ls "$logs/expected" | wc -l)
    [ "$expected" = 0 ] || echo "sanitize: $expected report(s) of the segfault fixture's deliberate crash set aside ($logs/expected)" >&2
    reports=$(ls "$logs" | grep -v '^expected$')
    if [ -n "$reports" ]; then
        echo "sanitize: $sanitizer reports (in $logs):" >&2
        for r in $reports; do head -20 "$logs/$r" >&2; done
        status=1
    fi
    [ "$tests" = 0 ] || { echo "sanitize: tests failed under $sanitizer" >&2; status=1; }
done
exit $status
