import pyarrow as pa, datetime
def parse(path):
    return pa.table({"n": [1, 2, 3], "d": [datetime.date(2024, 1, 1), None, datetime.date(2024, 1, 3)], "s": ["x", "y", None]})
