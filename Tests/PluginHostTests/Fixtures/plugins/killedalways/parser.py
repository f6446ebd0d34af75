import os
import signal


def parse(path):
    # Counts its attempts, then is killed from outside every time.
    with open(path + ".attempts", "a") as f:
        f.write("x")
    yield {"a": 1}
    os.kill(os.getpid(), signal.SIGKILL)
