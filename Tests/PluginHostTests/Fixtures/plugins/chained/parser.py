"""Raises a RuntimeError from a ValueError in a helper."""
def number(text):
    return int(text)

def parse(path):
    try:
        number("abc")
    except ValueError as e:
        raise RuntimeError("header of %s is unreadable" % path.rsplit("/", 1)[-1]) from e
    yield {"a": 1}
