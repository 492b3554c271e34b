"""Sheets of an xlsx/xlsm or xls workbook through python-calamine (already checked for limits).

Rows are numbered as in Excel (1-based) even when the used range does not start at A1, and a
row's cells start at column A (cells left of the used range are ""), so `cells[k]` is always
column k.
"""

from __future__ import annotations

import io

import python_calamine

from normalizer.readers.cells import convert_row
from normalizer.readers.limits import Limits, check_columns, check_rows
from normalizer.readers.model import Row, Sheet
from normalizer.readers.sheet_choice import chosen_sheets


def read_calamine(data: bytes, wanted: str | int | None, limits: Limits) -> tuple[Sheet, ...]:
    """The chosen sheets (all worksheets when `wanted` is None) with converted cells."""
    with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
        metadata = workbook.sheets_metadata
        names = [sheet.name for sheet in metadata]
        is_data = [sheet.typ != python_calamine.SheetTypeEnum.ChartSheet for sheet in metadata]
        return tuple(
            _sheet(workbook.get_sheet_by_name(names[index]), limits)
            for index in chosen_sheets(names, is_data, wanted)
        )


def _sheet(sheet: python_calamine.CalamineSheet, limits: Limits) -> Sheet:
    start = sheet.start
    if start is None:
        return Sheet(name=sheet.name, rows=())
    first_row, first_column = start
    check_rows(first_row + sheet.height, limits, what="a sheet has cells in")
    check_columns(first_column + sheet.width, limits, where="a sheet")
    pad = ("",) * first_column
    values = sheet.to_python(skip_empty_area=True)
    rows = tuple(
        Row(number=first_row + offset + 1, cells=pad + convert_row(row)) for offset, row in enumerate(values)
    )
    return Sheet(name=sheet.name, rows=rows)
