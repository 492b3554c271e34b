"""What runs inside the bounded reader child (`normalizer.readers.child`): container checks and
the native parsers, returning plain values.

The parent converts the values to cells (`calamine_book.to_sheet`): what crosses the pipe is
lists of str/float/int/date values, which pickle at C speed, not millions of `Row`s.
"""

from __future__ import annotations

import io
from typing import Any

import python_calamine

from normalizer.errors import NormalizerError
from normalizer.readers.failures import as_unreadable, is_parser_panic
from normalizer.readers.limits import Limits, check_cell_chars, check_columns, check_rows
from normalizer.readers.model import Sheet
from normalizer.readers.sheet_choice import chosen_sheets
from normalizer.readers.xls_records import check_records, workbook_stream
from normalizer.readers.xlsx_package import check_package

#: (sheet name, 0-based first row, 0-based first column, the used range's rows of values)
RawSheet = tuple[str, int, int, list[list[Any]]]


def parse_zip(data: bytes, wanted: str | int | None, limits: Limits) -> tuple[str, list[RawSheet]]:
    """("xlsx" or "ods", the chosen sheets) of a zip package that passes the package checks."""
    kind, maybe_long = check_package(data, limits)
    if kind == "xlsx":
        return kind, calamine_sheets(data, wanted, limits, check_texts=maybe_long)
    try:
        return kind, calamine_sheets(data, wanted, limits)
    except NormalizerError:
        raise
    except BaseException as exc:
        if isinstance(exc, Exception) or is_parser_panic(exc):
            raise as_unreadable(exc, "ods", name=None) from exc
        raise


def parse_xls(data: bytes, wanted: str | int | None, limits: Limits) -> list[RawSheet | Sheet]:
    """The chosen sheets of a legacy workbook: calamine's values, else xlrd's converted sheets."""
    check_records(workbook_stream(data), limits)
    try:
        return list(calamine_sheets(data, wanted, limits))
    except python_calamine.CalamineError:
        pass
    except BaseException as exc:
        if not is_parser_panic(exc):
            raise
    # calamine reads fewer BIFF variants than xlrd (e.g. some BIFF5 files and odd writers).
    from normalizer.readers.xlrd_book import read_xlrd

    sheets = read_xlrd(data, wanted)
    for sheet in sheets:
        _check_texts([list(row.cells) for row in sheet.rows], sheet.name or "", limits)
    return list(sheets)


def calamine_sheets(
    data: bytes, wanted: str | int | None, limits: Limits, *, check_texts: bool = True
) -> list[RawSheet]:
    """The chosen sheets (all worksheets when `wanted` is None) as calamine's values; with
    `check_texts`, refuse a cell over `limits.max_cell_chars` characters."""
    with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
        metadata = workbook.sheets_metadata
        names = [sheet.name for sheet in metadata]
        is_data = [sheet.typ != python_calamine.SheetTypeEnum.ChartSheet for sheet in metadata]
        return [
            _sheet(workbook.get_sheet_by_name(names[index]), limits, check_texts)
            for index in chosen_sheets(names, is_data, wanted)
        ]


def _sheet(sheet: python_calamine.CalamineSheet, limits: Limits, check_texts: bool) -> RawSheet:
    start = sheet.start
    if start is None:
        return sheet.name, 0, 0, []
    first_row, first_column = start
    check_rows(first_row + sheet.height, limits, what="a sheet has cells in")
    check_columns(first_column + sheet.width, limits, where="a sheet")
    values = sheet.to_python(skip_empty_area=True)
    if check_texts:
        _check_texts(values, sheet.name, limits)
    return sheet.name, first_row, first_column, values


def _check_texts(values: list[list[Any]], name: str, limits: Limits) -> None:
    """Refuse a cell longer than `limits.max_cell_chars` (one long shared string used a thousand
    times would otherwise cost its length a thousand times over, in every later stage)."""
    limit = limits.max_cell_chars
    for row in values:
        for value in row:
            if type(value) is str and len(value) > limit:
                check_cell_chars(len(value), limits, where=f"sheet '{name}'")
