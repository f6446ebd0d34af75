import os
import struct
import time


def frame(kind, payload):
    return struct.pack("<IB", len(payload) + 1, kind) + payload


def text(s):
    return struct.pack("<I", len(s)) + s


# Declares output 9 with one column, then a rows frame that claims
# 4,294,967,295 rows in no columns (Tests/Fuzz/Corpus/frames): the host
# must refuse it, not try to allocate the absent cells.
def parse(path):
    columns = struct.pack("<H", 9) + text(b"hugerowcount") + struct.pack("<H", 1) + text(b"a")
    rows = struct.pack("<HIH", 9, 0xFFFFFFFF, 0)
    os.write(4, frame(12, columns) + frame(13, rows))
    time.sleep(600)
    yield {"a": 1}
