"""A named output before the plugin's own: output numbers must not clash.
A file whose text says "only" gets named rows alone."""
from casparian import Output
def parse(path):
    only = "only" in open(path).read()
    yield Output("refunds", {"id": 1, "reason": "late"})
    if not only:
        yield {"sku": "a-1", "qty": 3}
    yield Output("refunds", {"id": 2, "reason": "lost"})
