def parse(path):
    while True:
        pass
    yield {}
