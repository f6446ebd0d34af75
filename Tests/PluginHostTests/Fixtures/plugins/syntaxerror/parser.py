def parse(path)
    yield {}
