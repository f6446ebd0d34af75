def parse(path, ctx, extra):
    yield {}
