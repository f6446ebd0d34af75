"""Swallows the soft stop: only SIGKILL ends it."""
import time
def parse(path):
    while True:
        try:
            time.sleep(1e6)
        except BaseException:
            pass
    yield {}
