import sys
def parse(path):
    print("noise on stdout")
    sys.stdout.write("more noise\n")
    print("noise on stderr", file=sys.stderr)
    yield {"a": 1}
