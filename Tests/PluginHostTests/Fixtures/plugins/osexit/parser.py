import os
def parse(path):
    os._exit(3)
    yield {}
