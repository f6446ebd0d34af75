import os
import time


def _is_open(fd):
    try:
        os.fstat(fd)
        return "open"
    except OSError:
        return "closed"


# Forks a child that leaves the session and keeps running; the file succeeds.
# The child notes whether it still holds the protocol pipes (fds 3 and 4).
def parse(path):
    pid = os.fork()
    if pid == 0:
        os.setsid()
        held = "%s %s" % (_is_open(3), _is_open(4))  # before open() reuses a number
        with open(path + ".fds", "w") as f:
            f.write(held)
        time.sleep(600)
        os._exit(0)
    with open(path + ".pid", "w") as f:
        f.write(str(pid))
    yield {"a": 1}
