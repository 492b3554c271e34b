"""Sheets of a legacy .xls workbook through xlrd: the fallback when calamine cannot read it.

The result is shaped like calamine's: rows before the first and after the last non-empty row
are dropped, rows are cut to the used width, and cells are converted the same way (numbers to
Decimal, date-formatted numbers to date/datetime). Error cells keep Excel's text ("#N/A").
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlrd

from normalizer.readers.cells import number
from normalizer.readers.model import CellValue, Row, Sheet
from normalizer.readers.sheet_choice import chosen_sheets


def read_xlrd(data: bytes, wanted: str | int | None) -> tuple[Sheet, ...]:
    """The chosen sheets (all when `wanted` is None) with converted cells."""
    book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO(), on_demand=True)
    try:
        names = book.sheet_names()
        indexes = chosen_sheets(names, [True] * len(names), wanted)
        return tuple(_sheet(book, book.sheet_by_index(index)) for index in indexes)
    finally:
        book.release_resources()


def _sheet(book: Any, sheet: Any) -> Sheet:
    rows = [
        Row(
            number=index + 1,
            cells=tuple(
                _cell(kind, value, book.datemode)
                for kind, value in zip(sheet.row_types(index), sheet.row_values(index), strict=True)
            ),
        )
        for index in range(sheet.nrows)
    ]
    used = [row for row in rows if any(cell != "" for cell in row.cells)]
    if not used:
        return Sheet(name=sheet.name, rows=())
    width = max(max(i for i, cell in enumerate(row.cells) if cell != "") for row in used) + 1
    kept = [row for row in rows if used[0].number <= row.number <= used[-1].number]
    return Sheet(name=sheet.name, rows=tuple(_fit(row, width) for row in kept))


def _fit(row: Row, width: int) -> Row:
    cells = row.cells[:width] + ("",) * (width - len(row.cells))
    return Row(number=row.number, cells=cells)


def _cell(kind: int, value: Any, datemode: int) -> CellValue:
    if kind == xlrd.XL_CELL_TEXT:
        return str(value)
    if kind == xlrd.XL_CELL_NUMBER:
        return number(float(value))
    if kind == xlrd.XL_CELL_DATE:
        return _date(float(value), datemode)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(value, "#ERROR!"))
    return ""


def _date(serial: float, datemode: int) -> CellValue:
    try:
        moment: dt.datetime = xlrd.xldate.xldate_as_datetime(serial, datemode)
    except (xlrd.xldate.XLDateError, OverflowError, ValueError):
        return number(serial)
    if serial < 1:
        return moment.time().isoformat()
    if moment.time() == dt.time(0):
        return moment.date()
    return moment
