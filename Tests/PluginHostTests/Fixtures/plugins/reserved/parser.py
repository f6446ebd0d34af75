def parse(path):
    yield {"_cf_file": "x"}
