"""CSV and TSV files, gzip-compressed or not: sniffs the delimiter, quoting,
header and encoding.

This is the built-in `csv` plugin. Casparian reads these files with a native
reader that does the same (and is much faster); this file is the Python
reference you can copy and change when your files need something special.
"""
import codecs
import csv
import gzip
import io

version = "1.0.0"
# No `pattern`: point it at CSV/TSV files or folders of them.


SAMPLE_BYTES = 64 * 1024
DELIMITERS = ",\t;|"


def open_bytes(path):
    """The file's bytes, decompressed when it is gzip (by its first bytes, not its name)."""
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def utf16_without_bom(head):
    """UTF-16 text without a BOM: zero high bytes in >= 30% of the code units,
    zero low bytes in <= 10%, and the units decode as text (few controls)."""
    units = len(head) // 2
    if units < 4:
        return None
    zero_even = head[0 : units * 2 : 2].count(0)
    zero_odd = head[1 : units * 2 : 2].count(0)
    if zero_odd * 10 >= units * 3 and zero_even * 10 <= units:
        encoding = "utf-16-le"
    elif zero_even * 10 >= units * 3 and zero_odd * 10 <= units:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = head[: units * 2].decode(encoding)
    except UnicodeDecodeError as e:
        if len(head) < SAMPLE_BYTES or e.start < units * 2 - 4:
            return None
        text = head[: e.start].decode(encoding)  # a surrogate pair cut by the end of the sample
    control = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\f\r") or ord(ch) in (0x7F, 0xFFFE, 0xFFFF))
    return encoding if control * 100 <= units else None


def detect_encoding(head):
    """UTF-8 (with or without a BOM), UTF-16 (with a BOM, or without one by
    its zero bytes), else Latin-1."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    utf16 = utf16_without_bom(head)
    if utf16:
        return utf16
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        # A multi-byte character cut by the end of the sample is still UTF-8.
        if len(head) == SAMPLE_BYTES and e.start >= len(head) - 3:
            return "utf-8"
        return "latin-1"


def sniff(path):
    with open_bytes(path) as f:
        head = f.read(SAMPLE_BYTES)
    encoding = detect_encoding(head)
    text = head.decode(encoding, errors="replace")
    if len(head) == SAMPLE_BYTES and "\n" in text:
        text = text[: text.rindex("\n") + 1]  # drop a partial last line
    sniffer = csv.Sniffer()
    try:
        dialect = sniffer.sniff(text, delimiters=DELIMITERS)
    except csv.Error:
        dialect = csv.excel  # one column, or nothing to go on
    try:
        has_header = sniffer.has_header(text)
    except csv.Error:
        has_header = True
    return encoding, dialect, has_header


def unique(names):
    seen = set()
    out = []
    for i, name in enumerate(names):
        name = name.strip() or f"column{i}"
        candidate, k = name, 1
        while candidate in seen:
            candidate, k = f"{name}_{k}", k + 1
        seen.add(candidate)
        out.append(candidate)
    return out


def parse(path, ctx):
    encoding, dialect, has_header = sniff(path)
    with io.TextIOWrapper(open_bytes(path), encoding=encoding, errors="replace", newline="") as f:
        reader = csv.reader(f, dialect)
        first = next(reader, None)
        if first is None:
            return
        if has_header:
            names = unique(first)
            rows = reader
        else:
            names = [f"column{i}" for i in range(len(first))]
            rows = _chain(first, reader)
        ctx.columns(*names)
        width = len(names)
        for row in rows:
            if not row:
                continue  # a blank line
            if len(row) < width:
                row = row + [None] * (width - len(row))
            yield tuple(row[:width])


def _chain(first, rest):
    yield first
    yield from rest
