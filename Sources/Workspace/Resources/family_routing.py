
# ---------------------------------------------------------------------------
# Written by `casparian approve` for a discovery made with the built-in
# reader: the reference CSV/TSV reader above, whose rows go to the output of
# the contract (contract.json, beside this file) that the file's columns
# match: the family discovery grouped the file into. Edit it freely: it is
# your plugin now.
import json as _json
import os as _os

from casparian import Output as _Output

_read_csv = parse


def _normalized(name):
    """Names compared as discovery groups files: case, spaces and punctuation aside."""
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


def _outputs():
    with open(_os.path.join(_os.path.dirname(__file__), "contract.json"), encoding="utf-8") as f:
        schemas = _json.load(f)["schemas"]
    return [(s.get("source") or s["output"], {_normalized(c["name"]) for c in s["columns"]}) for s in schemas]


class _Columns:
    """Keeps the names the reader declares with `ctx.columns(...)`."""

    def __init__(self, ctx):
        self._ctx = ctx
        self.names = []

    def columns(self, *names):
        self.names = list(names)

    def __getattr__(self, attr):
        return getattr(self._ctx, attr)


def parse(path, ctx):
    declared = _Columns(ctx)
    rows = _read_csv(path, declared)
    first = next(rows, None)  # the reader names its columns before its first row
    if first is None:
        return
    names = declared.names
    outputs = _outputs()
    if all(n == "column%d" % i for i, n in enumerate(names)):
        # The reader guessed "no header" (Python's sniffer guesses from a few
        # rows); a first row that names an output's columns is the header
        # discovery read.
        named = {_normalized(v) for v in first if v}
        if any(len(named & columns) / max(1, len(named | columns)) >= 0.5 for _, columns in outputs):
            names = unique(first)
            first = next(rows, None)
            if first is None:
                return
    if len(outputs) == 1:
        ctx.columns(*names)
        yield first
        yield from rows
        return
    header = {_normalized(n) for n in names}
    best, share = None, 0.0
    for output, columns in outputs:
        s = len(header & columns) / max(1, len(header | columns))
        if s > share:
            best, share = output, s
    if best is None or share < 0.5:
        raise ValueError(
            "the columns of %s (%s) match no output of the contract (%s): discover and approve files like it, or route them here"
            % (path, ", ".join(names), ", ".join(o for o, _ in outputs)))
    yield _Output(best, dict(zip(names, first)))
    for row in rows:
        yield _Output(best, dict(zip(names, row)))
