"""A well-behaved CSV parser."""
import csv
version = "1.2.3"
pattern = "**/*.csv"
def parse(path, ctx):
    with open(path, newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            yield rec
