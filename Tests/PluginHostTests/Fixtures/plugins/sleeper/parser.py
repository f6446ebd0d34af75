import time
def parse(path):
    time.sleep(1e6)
    yield {}
