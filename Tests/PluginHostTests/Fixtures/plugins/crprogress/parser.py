import sys

# Progress redrawn with carriage returns and never a newline: 8 MiB of it.
def parse(path):
    for i in range(400_000):
        sys.stderr.write("\rprogress %7d of 400000 ..." % i)
    sys.stderr.write("\rprogress finished")
    yield {"done": 1}
    raise RuntimeError("after the progress")
