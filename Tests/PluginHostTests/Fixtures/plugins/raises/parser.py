"""Raises on line 5."""
def parse(path):
    yield {"a": 1}
    x = {"k": 1}
    return x["missing"]
