"""Would fail if the host executed it."""
version = "9.9"
pattern = "*.log"
raise SystemExit("top-level code ran")
def parse(path):
    yield {}
