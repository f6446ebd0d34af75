"""Yields one row of every value kind the host must map."""
import datetime, decimal
def parse(path, ctx):
    ctx.columns("none", "t", "f", "i", "neg", "big", "fl", "nan", "s", "d", "dt", "dtz", "tm", "b", "dec")
    yield (None, True, False, 42, -7, 2**63 - 1, 1.5, float("nan"), "héllo wörld ✓ 日本", datetime.date(2024, 2, 29),
           datetime.datetime(2024, 3, 1, 13, 45, 30, 123456),
           datetime.datetime(2024, 3, 1, 13, 45, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
           datetime.time(23, 59, 58), b"\x00\xff", decimal.Decimal("12.3400"))
