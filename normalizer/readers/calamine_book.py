"""Sheets of calamine's values (from the bounded child, `readers.parse`) as rows of cells.

Rows are numbered as in Excel (1-based) even when the used range does not start at A1, and a
row's cells start at column A (cells left of the used range are ""), so `cells[k]` is always
column k.
"""

from __future__ import annotations

from normalizer.readers.cells import convert_row
from normalizer.readers.model import Row, Sheet
from normalizer.readers.parse import RawSheet


def to_sheet(raw: RawSheet | Sheet) -> Sheet:
    """A `Sheet` of converted cells (an xlrd sheet is converted already)."""
    if isinstance(raw, Sheet):
        return raw
    name, first_row, first_column, values = raw
    if not values:
        return Sheet(name=name, rows=())
    pad = ("",) * first_column
    rows = tuple(
        Row(number=first_row + offset + 1, cells=pad + convert_row(row)) for offset, row in enumerate(values)
    )
    return Sheet(name=name, rows=rows)
