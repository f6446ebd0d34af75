# Enough rows (~1.5 MB of frames, little plugin time even on a busy machine) to fill the data pipe many times over: while the host holds a
# batch, this worker blocks writing the next one.
def parse(path):
    for i in range(60_000):
        yield {"n": i, "pad": "x" * 20}
