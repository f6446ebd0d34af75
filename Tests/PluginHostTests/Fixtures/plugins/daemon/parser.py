import os
import time

# Forks a child that leaves the session and keeps running, then the worker exits.
def parse(path):
    pid = os.fork()
    if pid == 0:
        os.setsid()
        time.sleep(600)
        os._exit(0)
    with open(path + ".pid", "w") as f:
        f.write(str(pid))
    os._exit(3)
    yield {"a": 1}
