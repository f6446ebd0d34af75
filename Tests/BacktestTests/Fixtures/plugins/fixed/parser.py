"""Handles every file (the fix)."""
pattern = "**/*.txt"
def parse(path):
    for line in open(path, encoding="utf-8").read().splitlines():
        yield {"value": line}
