"""Dict rows of every shape: steady keys, reordered, missing, new, rebuilt key objects."""
pattern = "**/*.csv"


def parse(path):
    for i in range(3):
        yield {"a": i, "b": "x%d" % i}          # the same key objects, in place
    yield {"b": "swapped", "a": 10}              # reordered
    yield {"a": 11}                              # b missing
    yield {"a": 12, "b": "y", "c": 1.5}          # a new column widens the output
    yield {"a": 13, "b": "z", "c": 2.5}          # steady again at the new width
    yield {"a": 14, "c": 3.5}                    # b missing between present keys
    yield {"".join(["a"]): 15, "".join(["b"]): "rebuilt", "".join(["c"]): 4.5}  # new key objects
    if "bad" in open(path).read():
        yield {"a": 16, "b": "bad", "c": object()}   # an unsupported value in place
