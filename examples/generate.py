#!/usr/bin/env python3
"""Regenerates the example corpora (deterministic). Run from examples/.

sales/   monthly sales exports from four regions for 2024:
         - eu/ writes day-first dates (31/01/2024), the others month-first;
         - a `discount` column appears from July on;
         - some files write N/A for a missing amount;
         - two files are truncated mid-row, one is Latin-1 instead of UTF-8.
weblogs/ web server access logs (a non-CSV format) from two hosts.
"""
import calendar, os, random, shutil

rng = random.Random(20241126)
CUSTOMERS = ["Ana Souza", "Bo Lindqvist", "Chloé Martin", "Dmitri Ivanov", "Eun-ji Park", "François Dubois",
             "Grace Hopper", "Hiro Tanaka", "Inés García", "Jonas Müller", "Kofi Mensah", "Lena Novak"]
PRODUCTS = [("SKU-1001", "Widget"), ("SKU-1002", "Gadget"), ("SKU-2040", "Sprocket"), ("SKU-3300", "Gizmo")]
REGIONS = ["north", "south", "west", "eu"]


def sales():
    root = "sales/data"
    shutil.rmtree(root, ignore_errors=True)
    order = 100000
    for region in REGIONS:
        os.makedirs(f"{root}/{region}", exist_ok=True)
        for month in range(1, 13):
            header = ["order_id", "order_date", "region", "customer", "sku", "quantity", "unit_price", "amount"]
            if month >= 7:
                header.append("discount")
            lines = [",".join(header)]
            days = calendar.monthrange(2024, month)[1]
            for _ in range(rng.randint(40, 70)):
                order += 1
                day = rng.randint(1, days)
                date = f"{day:02d}/{month:02d}/2024" if region == "eu" else f"{month:02d}/{day:02d}/2024"
                sku, _name = rng.choice(PRODUCTS)
                qty = rng.randint(1, 12)
                price = rng.choice([4.5, 9.99, 12.0, 19.95, 120.0])
                amount = f"{qty * price:.2f}"
                if region in ("south", "west") and rng.random() < 0.06:
                    amount = "N/A"
                customer = rng.choice(CUSTOMERS)
                if "," in customer:
                    customer = f'"{customer}"'
                row = [str(order), date, region, customer, sku, str(qty), f"{price:.2f}", amount]
                if month >= 7:
                    row.append(rng.choice(["0", "0", "0.05", "0.1", ""]))
                lines.append(",".join(row))
            text = "\n".join(lines) + "\n"
            path = f"{root}/{region}/sales_2024-{month:02d}.csv"
            data = text.encode("utf-8")
            if (region, month) in {("north", 5), ("west", 11)}:
                data = data[: int(len(data) * 0.6)]          # truncated upload: ends mid-row
            if (region, month) == ("eu", 3):
                data = text.encode("latin-1")                 # exported with the wrong encoding
            with open(path, "wb") as f:
                f.write(data)


def weblogs():
    root = "weblogs/data"
    shutil.rmtree(root, ignore_errors=True)
    paths = ["/", "/products", "/products/42", "/cart", "/checkout", "/api/orders", "/static/app.js"]
    agents = ["Mozilla/5.0 (X11; Linux x86_64)", "curl/8.4.0", "Googlebot/2.1"]
    for host in ["web1", "web2"]:
        os.makedirs(f"{root}/{host}", exist_ok=True)
        for day in range(1, 8):
            lines = []
            for i in range(rng.randint(150, 250)):
                ip = f"10.{rng.randint(0, 3)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
                ts = f"{day:02d}/Mar/2024:{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} +0000"
                method = rng.choice(["GET", "GET", "GET", "POST"])
                status = rng.choice([200, 200, 200, 200, 301, 304, 404, 500])
                size = "-" if status in (304,) or rng.random() < 0.02 else str(rng.randint(120, 90000))
                ms = rng.randint(1, 900)
                lines.append(f'{ip} - - [{ts}] "{method} {rng.choice(paths)} HTTP/1.1" {status} {size} '
                             f'"-" "{rng.choice(agents)}" {ms}')
            with open(f"{root}/{host}/access-2024-03-{day:02d}.log", "w") as f:
                f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    sales()
    weblogs()
