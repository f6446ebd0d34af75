import definitely_not_a_module_xyz
def parse(path):
    yield {}
