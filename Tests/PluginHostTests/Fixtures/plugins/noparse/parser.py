def parse_file(path):
    yield {}
