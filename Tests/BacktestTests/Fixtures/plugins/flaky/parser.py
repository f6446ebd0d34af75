"""Fails on files that say 'bad' (the first draft)."""
pattern = "**/*.txt"
def parse(path):
    text = open(path, encoding="utf-8").read()
    if "bad" in text:
        raise ValueError("cannot read value 'bad' in %s" % path.rsplit("/", 1)[-1])
    for line in text.splitlines():
        yield {"value": line}
