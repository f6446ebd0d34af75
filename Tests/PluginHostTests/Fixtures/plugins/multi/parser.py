"""Two outputs and the tuple fast path."""
from casparian import Output
outputs = ["multi", "refunds"]
def parse(path, ctx):
    ctx.columns("id", "amount")
    ctx.columns("id", "reason", output="refunds")
    ctx.logger.warning("starting %s", path)
    ctx.progress(0.5, "halfway")
    for i in range(3):
        yield (i, i * 1.5)
    yield Output("refunds", (7, "damaged"))
    yield Output("refunds", {"id": 8, "reason": "late"})
