#!/usr/bin/env bash
# Wire-protocol encode/decode throughput against a plain copy of the bytes.
"$CASPARIAN_BENCH_BIN" frames
