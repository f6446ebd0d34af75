"""Monthly sales exports from the regional shop systems (second try)."""
import csv
import datetime

pattern = "**/sales_*.csv"

MISSING = {"", "N/A"}


def parse(path, ctx):
    with open(path, newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            amount = rec["amount"]
            discount = rec.get("discount")  # a column since July 2024
            yield {
                "order_id": int(rec["order_id"]),
                "order_date": datetime.datetime.strptime(rec["order_date"], "%m/%d/%Y").date(),
                "region": rec["region"],
                "customer": rec["customer"],
                "sku": rec["sku"],
                "quantity": int(rec["quantity"]),
                "unit_price": float(rec["unit_price"]),
                "amount": None if amount in MISSING else float(amount),
                "discount": None if discount is None or discount in MISSING else float(discount),
            }
