def parse(path):
    yield {"a": 1}
    yield 42
