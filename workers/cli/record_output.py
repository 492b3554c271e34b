"""Writing records to stdout as canonical JSON Lines or CSV (shared by `normalize` and `records`).

CSV is for spreadsheets, so by default a text cell that a spreadsheet would run as a formula
(`=…`, `+…`, `-…`, `@…`) is written with a leading `'`, as the reports do; `raw=True` (the
commands' `--raw`) keeps every byte exactly as stored, for machines.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import BinaryIO

import orjson

from normalizer.canonical import jsonl_lines
from normalizer.record import RECORD_FIELDS, Record
from reporting.renderers.cells import neutralize


def csv_value(record: Record, name: str, *, raw: bool = False) -> str:
    """One field as CSV text: decimals plain, dates ISO, attributes as sorted JSON, text
    neutralised for spreadsheets unless `raw`."""
    value = getattr(record, name)
    if name == "attributes":
        return orjson.dumps(dict(value), option=orjson.OPT_SORT_KEYS).decode()
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if name == "posted_on":
        return str(value.isoformat())
    return str(value) if raw else neutralize(str(value))


def write_records(records: Iterable[Record], output_format: str, out: BinaryIO, *, raw: bool = False) -> None:
    """Stream records to a binary stream as `jsonl` (canonical) or `csv` (UTF-8, header row)."""
    if output_format == "jsonl":
        out.writelines(jsonl_lines(records))
        return
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(RECORD_FIELDS)
    for record in records:
        writer.writerow([csv_value(record, name, raw=raw) for name in RECORD_FIELDS])
    text.detach()
