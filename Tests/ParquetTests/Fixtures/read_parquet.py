"""Reads Parquet files with pyarrow and DuckDB and prints what each saw, as JSON.

stdin: a JSON list of paths. stdout: a JSON list, one object per path:
{"pyarrow": {...}, "duckdb": {...}} or {"error": "..."} for a file a reader
rejects. Values are canonical strings, so Swift compares them exactly:
integers (dates as days, times and timestamps as microseconds) in decimal,
doubles as the hex of their little-endian bytes ("nan" for any NaN),
booleans "true"/"false", strings as the hex of their UTF-8, null as null.
"""

import json
import math
import struct
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq


def canonical(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else struct.pack("<d", v).hex()
    if isinstance(v, str):
        return v.encode("utf-8").hex()
    if isinstance(v, bytes):
        return v.hex()
    raise TypeError(f"unexpected value {v!r}")


def arrow_values(column):
    t = column.type
    if pa.types.is_date32(t):
        column = column.cast(pa.int32())
    elif pa.types.is_time64(t) or pa.types.is_timestamp(t):
        column = column.cast(pa.int64())
    return [canonical(v) for v in column.to_pylist()]


def read_pyarrow(path):
    table = pq.read_table(path)
    f = pq.ParquetFile(path)
    md = f.metadata
    groups = []
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        columns = []
        for c in range(rg.num_columns):
            cc = rg.column(c)
            s = cc.statistics
            entry = {
                "compression": cc.compression,
                "encodings": list(cc.encodings),
                "hasDictionaryPage": cc.has_dictionary_page,
                "numValues": cc.num_values,
            }
            if s is not None:
                entry["nullCount"] = s.null_count if s.has_null_count else None
                entry["hasMinMax"] = s.has_min_max
                if s.has_min_max:
                    entry["min"] = canonical(s.min_raw)
                    entry["max"] = canonical(s.max_raw)
            columns.append(entry)
        groups.append({"rows": rg.num_rows, "columns": columns})
    schema = md.schema
    return {
        "numRows": md.num_rows,
        "createdBy": md.created_by,
        "keyValue": {k.decode(): v.decode() for k, v in (md.metadata or {}).items()},
        "types": {name: str(table.schema.field(name).type) for name in table.column_names},
        "nullable": {name: table.schema.field(name).nullable for name in table.column_names},
        "logicalTypes": {schema.column(i).name: str(schema.column(i).logical_type) for i in range(len(schema))},
        "values": {name: arrow_values(table.column(name)) for name in table.column_names},
        "rowGroups": groups,
    }


def read_duckdb(path):
    con = duckdb.connect()
    con.execute("SET threads = 1")
    quoted = "'" + path.replace("'", "''") + "'"
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({quoted})").fetchall()
    expressions = []
    for name, type_, *_ in described:
        q = '"' + name.replace('"', '""') + '"'
        if type_ == "DATE":
            expressions.append(f"({q} - DATE '1970-01-01')")
        elif type_ in ("TIME", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE"):
            expressions.append(f"epoch_us({q})")
        else:
            expressions.append(q)
    rows = []
    if expressions:
        rows = con.execute(f"SELECT {', '.join(expressions)} FROM read_parquet({quoted})").fetchall()
    count = con.execute(f"SELECT count(*) FROM read_parquet({quoted})").fetchone()[0]
    return {
        "numRows": count,
        "types": {name: type_ for name, type_, *_ in described},
        "values": {name: [canonical(r[i]) for r in rows] for i, (name, *_) in enumerate(described)},
    }


def main():
    results = []
    for path in json.load(sys.stdin):
        try:
            results.append({"pyarrow": read_pyarrow(path), "duckdb": read_duckdb(path)})
        except Exception as e:  # a reader rejecting the file is a result to report
            results.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(results, sys.stdout)


main()
