"""Readers: the bytes of a ledger export in, a `Workbook` of `Sheet`s of `Row`s out.

    >>> workbook = read_workbook(data, name="ledger.csv")
    >>> workbook.detected["delimiter"].value, workbook.sheets[0].rows[0].cells

Containers: delimited text (CSV, semicolon, tab, pipe), fixed-width text (with a layout),
Excel .xlsx/.xlsm, OpenDocument .ods and legacy .xls; workbooks are parsed in a child process
bounded in memory and time (`readers.child`). See docs/normalizer-design.md, "Reader interface".
"""

from normalizer.readers.limits import Limits
from normalizer.readers.model import (
    CellValue,
    FixedWidthField,
    FixedWidthLayout,
    ReadOptions,
    Row,
    Sheet,
    Workbook,
)
from normalizer.readers.reader import read_workbook

__all__ = [
    "CellValue",
    "FixedWidthField",
    "FixedWidthLayout",
    "Limits",
    "ReadOptions",
    "Row",
    "Sheet",
    "Workbook",
    "read_workbook",
]
