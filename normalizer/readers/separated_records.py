"""Typed records separated by a delimiter and closed by a terminator (BAI2: `16,165,1500,Z/`).

A physical line is one record; a line whose type is the layout's `continuation` code (BAI2
`88`) adds its fields to the record before it, so a logical record keeps the number of its
first line. Each row's cells are the record's fields as written (type included, terminator
dropped); which field means what is the profile's business (`structure.typed`). Fields are
counted against the column limit, so a chain of continuations cannot grow without bound.
"""

from __future__ import annotations

import io

from normalizer.readers.limits import Limits, check_columns
from normalizer.readers.model import FixedWidthLayout, Row, Sheet


def read_separated_records(text: str, layout: FixedWidthLayout, limits: Limits | None = None) -> Sheet:
    """The logical records of `text` as rows of fields; `kind` is the type field's value."""
    separator = layout.separator or ","
    type_index = (layout.type_start or 1) - 1
    bound = limits or Limits()
    rows: list[Row] = []
    current: list[str] | None = None
    start = 0

    def flush() -> None:
        if current is not None:
            kind = current[type_index].strip() if type_index < len(current) else ""
            rows.append(Row(number=start, cells=tuple(current), kind=kind))

    for number, raw in enumerate(io.StringIO(text, newline=""), start=1):
        line = raw.rstrip("\r\n").rstrip()
        if not line:
            flush()
            current = None
            rows.append(Row(number=number, cells=()))
            continue
        if layout.terminator and line.endswith(layout.terminator):
            line = line[: -len(layout.terminator)]
        fields = line.split(separator)
        if current is not None and fields[0].strip() == layout.continuation:
            current.extend(fields[1:])
        else:
            flush()
            current, start = fields, number
        check_columns(len(current), bound, where=f"the record on line {start:,}")
    flush()
    return Sheet(name=None, rows=tuple(rows), headers_by_kind={})
