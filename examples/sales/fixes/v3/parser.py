"""Monthly sales exports from the regional shop systems."""
import csv
import datetime

pattern = "**/sales_*.csv"

# The EU shop system writes day-first dates; the others month-first.
DATE_FORMATS = {"eu": "%d/%m/%Y"}
MISSING = {"", "N/A"}


def read_text(path):
    data = open(path, "rb").read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # one export tool writes Latin-1


def parse(path, ctx):
    lines = read_text(path).splitlines()
    truncated = bool(lines) and not open(path, "rb").read().endswith(b"\n")
    if truncated:
        ctx.logger.warning("%s ends mid-row: the last row is skipped", path)
        lines = lines[:-1]
    for rec in csv.DictReader(lines):
        region = rec["region"]
        date_format = DATE_FORMATS.get(region, "%m/%d/%Y")
        amount = rec["amount"]
        discount = rec.get("discount")  # a column since July 2024
        yield {
            "order_id": int(rec["order_id"]),
            "order_date": datetime.datetime.strptime(rec["order_date"], date_format).date(),
            "region": region,
            "customer": rec["customer"],
            "sku": rec["sku"],
            "quantity": int(rec["quantity"]),
            "unit_price": float(rec["unit_price"]),
            "amount": None if amount in MISSING else float(amount),
            "discount": None if discount in MISSING or discount is None else float(discount),
        }
