"""Rows frames: the host's decoder (1M rows x 5 columns in 256 KiB frames,
as workers send them) against one checksum pass over the same bytes, the
least any decoder must do, in `casparian-bench frames`. No target of its
own (the execute and runtime benches hold the targets decoding serves):
recorded for information, it fails only when the bench crashes."""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

pairs, info = benchlib.swift_bench("frames")
print(f"frames: decode takes {pairs.describe()} the checksum pass's time")
benchlib.record_info("frames decode", "one checksum pass over the same bytes", pairs)
benchlib.finish()
