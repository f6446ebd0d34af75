#!/usr/bin/env python3
"""Agreement with ptype's hand labels: Casparian's discover against DuckDB's sniff_csv.

For every annotated file of the ptype corpus that is present, each labelled
column is scored for both tools as one of:

  right            the type agrees with the label
  asked            Casparian left a question (ambiguous or contradiction);
                   DuckDB never asks
  wrong            a type that disagrees with the label
  silently wrong   wrong, and no note names the label's type (DuckDB gives no
                   notes, so every wrong DuckDB column is silently wrong)

Labels map to types explicitly (LABELS below): integer -> int64,
float -> float64, boolean -> boolean, string -> string, date and every
date-* label -> date (a timestamp also counts as right: ptype's date labels
cover dates written with a time of day), gender -> string (ptype uses it for
text codes such as M/F/Female). Columns labelled `all identical` carry no
type and are not scored. Columns are matched by position.

Usage (from the repository, after `swift build`):
  .venv-test/bin/python scripts/figures/ptype.py [--corpus DIR] [--casparian BIN] [--misses]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

LABELS = {
    "integer": {"int64"},
    "float": {"float64"},
    "boolean": {"boolean"},
    "string": {"string"},
    "gender": {"string"},
    "date": {"date", "timestamp", "timestamp_tz"},
    "date-iso-8601": {"date", "timestamp", "timestamp_tz"},
    "date-eu": {"date", "timestamp", "timestamp_tz"},
    "date-non-std": {"date", "timestamp", "timestamp_tz"},
    "date-non-std-subtype": {"date", "timestamp", "timestamp_tz"},
}
# The type a note must name for a wrong column not to be silent.
NAMED = {"int64": "int64", "float64": "float64", "boolean": "boolean", "string": "string"}

DUCKDB_TYPES = [
    (r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$", "int64"),
    (r"^(FLOAT|DOUBLE|DECIMAL.*|REAL)$", "float64"),
    (r"^BOOLEAN$", "boolean"),
    (r"^VARCHAR$", "string"),
    (r"^DATE$", "date"),
    (r"^TIME$", "time"),
    (r"^TIMESTAMP$", "timestamp"),
    (r"^TIMESTAMP WITH TIME ZONE$", "timestamp_tz"),
]


def duckdb_type(t):
    for pattern, ours in DUCKDB_TYPES:
        if re.match(pattern, t):
            return ours
    return t.lower()


def label_type_word(label):
    """The word a note must contain to name the label's type."""
    accepted = LABELS[label]
    return "date" if "date" in accepted else next(iter(accepted))


def casparian_columns(binary, path, workspace):
    r = subprocess.run(
        [binary, "discover", path, "--json", "--workspace", workspace],
        capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise SystemExit(f"casparian discover {path} failed ({r.returncode}): {r.stderr}")
    report = json.loads(r.stdout)
    outputs = report.get("outputs") or []
    return outputs[0]["columns"] if outputs else []


def duckdb_columns(con, path, notes):
    """sniff_csv's columns; a file it refuses as not UTF-8 is sniffed again as Latin-1 (and said so)."""
    try:
        row = con.execute("SELECT Columns FROM sniff_csv(?)", [path]).fetchone()
    except duckdb_error() as e:
        if "not utf-8" not in str(e):
            raise
        try:
            row = con.execute("SELECT Columns FROM sniff_csv(?, encoding = 'latin-1')", [path]).fetchone()
            notes.append(f"duckdb {os.path.basename(path)}: not UTF-8; sniffed again with encoding='latin-1'")
        except duckdb_error():
            row = con.execute("SELECT Columns FROM sniff_csv(?, ignore_errors = true)", [path]).fetchone()
            notes.append(
                f"duckdb {os.path.basename(path)}: refused as not UTF-8 and not Latin-1; sniffed again with ignore_errors=true")
    return [{"name": c["name"], "type": duckdb_type(c["type"])} for c in row[0]]


def duckdb_error():
    import duckdb

    return duckdb.Error


def score(columns, labels, tool, file, tally, misses):
    if len(columns) != len(labels):
        misses.append(f"{tool} {file}: {len(columns)} columns for {len(labels)} labels (matched by position)")
    for column, label in zip(columns, labels):
        if label not in LABELS:
            continue
        tally["scored"] += 1
        accepted = LABELS[label]
        status = column.get("status", "resolved")
        if status != "resolved":
            tally["asked"] += 1
            continue
        if column["type"] in accepted:
            tally["right"] += 1
            continue
        tally["wrong"] += 1
        note = column.get("note") or ""
        if label_type_word(label) not in note:
            tally["silently wrong"] += 1
            misses.append(f"{tool} {file}.{column['name']}: label {label}, got {column['type']} (silent)")
        else:
            misses.append(f"{tool} {file}.{column['name']}: label {label}, got {column['type']} (noted)")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", default=os.path.join(root, "..", "shared", "corpora", "ptype"))
    p.add_argument("--casparian", default=os.path.join(root, ".build", "debug", "casparian"))
    p.add_argument("--misses", action="store_true", help="list every wrong column")
    p.add_argument("--skip", action="append", default=[], metavar="NAME", help="leave out an annotated file (e.g. mass_6)")
    args = p.parse_args()
    import duckdb

    with open(os.path.join(args.corpus, "annotations", "annotations.json")) as f:
        annotations = json.load(f)
    tallies = {t: dict.fromkeys(["scored", "right", "asked", "wrong", "silently wrong"], 0) for t in ("casparian", "duckdb")}
    misses, missing, notes = [], [], []
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as workspace:
        for file, labels in sorted(annotations.items()):
            if file in args.skip:
                continue
            path = os.path.join(args.corpus, "data", file + ".csv")
            if not os.path.exists(path):
                missing.append(file)
                continue
            score(casparian_columns(args.casparian, path, workspace), labels, "casparian", file, tallies["casparian"], misses)
            score(duckdb_columns(con, path, notes), labels, "duckdb", file, tallies["duckdb"], misses)
    print(
        f"ptype: {len(annotations) - len(missing) - len(args.skip)} annotated files"
        + (f" (missing, skipped: {', '.join(missing)})" if missing else "")
        + (f" (left out: {', '.join(args.skip)})" if args.skip else ""))
    print(f"{'':10} {'scored':>6} {'right':>12} {'asked':>10} {'wrong':>12} {'silently wrong':>15}")
    for tool, t in tallies.items():
        n = max(t["scored"], 1)
        cell = lambda k: f"{t[k]} ({100 * t[k] / n:.1f}%)"
        print(f"{tool:10} {t['scored']:>6} {cell('right'):>12} {cell('asked'):>10} {cell('wrong'):>12} {cell('silently wrong'):>15}")
    for n in notes:
        print(n)
    if args.misses:
        for m in misses:
            print("  " + m)
    json.dump(tallies, sys.stderr)
    sys.stderr.write("\n")


if __name__ == "__main__":
    main()
