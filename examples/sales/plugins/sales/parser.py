"""Monthly sales exports from the regional shop systems (first draft)."""
import csv
import datetime

pattern = "**/sales_*.csv"


def parse(path, ctx):
    with open(path, newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            yield {
                "order_id": int(rec["order_id"]),
                "order_date": datetime.datetime.strptime(rec["order_date"], "%m/%d/%Y").date(),
                "region": rec["region"],
                "customer": rec["customer"],
                "sku": rec["sku"],
                "quantity": int(rec["quantity"]),
                "unit_price": float(rec["unit_price"]),
                "amount": float(rec["amount"]),
            }
