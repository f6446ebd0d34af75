def parse(path):
    with open(path) as f:
        yield {"first": f.readline()}
