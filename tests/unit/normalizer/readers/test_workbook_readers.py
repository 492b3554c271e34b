"""Excel workbooks: cell conversions, used ranges, sheet choice; xlrd as the .xls fallback."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from normalizer.errors import UnreadableFileError
from normalizer.readers import ReadOptions, Row, read_workbook
from normalizer.readers.calamine_book import to_sheet
from normalizer.readers.cells import convert_row, number
from normalizer.readers.limits import Limits
from normalizer.readers.model import new_row
from normalizer.readers.parse import calamine_sheets
from normalizer.readers.xlrd_book import read_xlrd

SAMPLES = Path(__file__).resolve().parents[4] / "fixtures" / "samples"  # copies of shared/samples/real
XLS_SAMPLES = ["akretion__account_move_generic-fr_coa.xls", "reds-importers__ACC_TXN_History_1234_clean.xls"]


def build_workbook() -> bytes:
    book = openpyxl.Workbook()
    ledger = book.active
    assert ledger is not None
    ledger.title = "Ledger"
    ledger["C5"] = "Date"
    ledger["D5"] = "Amount"
    ledger["E5"] = "Posted"
    ledger["F5"] = "Note"
    ledger["C6"] = dt.date(2024, 1, 31)
    ledger["D6"] = 12042.12
    ledger["E6"] = True
    ledger["C7"] = dt.datetime(2024, 2, 1, 13, 45, 30)
    ledger["D7"] = 421000
    ledger["E7"] = False
    ledger["F7"] = "  padded  "
    ledger["C8"] = dt.time(8, 30)
    ledger["D8"] = -0.1
    ledger["F8"] = dt.timedelta(hours=26, minutes=30)
    ledger["D9"] = 1e20
    ledger["D10"] = 0.1 + 0.2
    book.create_chartsheet("Chart")
    other = book.create_sheet("Totals")
    other["A1"] = "Total"
    other["B1"] = 433042.12
    book.create_sheet("Empty")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def workbook_bytes() -> bytes:
    return build_workbook()


def test_cells_rows_and_used_range(workbook_bytes: bytes) -> None:
    workbook = read_workbook(workbook_bytes, name="ledger.csv")  # the name does not decide
    assert workbook.container == "xlsx"
    assert {key: found.value for key, found in workbook.detected.items()} == {"container": "xlsx"}
    assert [sheet.name for sheet in workbook.sheets] == ["Ledger", "Totals", "Empty"]  # no chart sheet
    ledger = workbook.sheets[0]
    assert [row.number for row in ledger.rows] == [5, 6, 7, 8, 9, 10]
    assert all(
        len(row.cells) == 6 and row.cells[:2] == ("", "") for row in ledger.rows
    )  # cells[k] is column k
    cells = [row.cells[2:] for row in ledger.rows]
    assert cells[0] == ("Date", "Amount", "Posted", "Note")
    assert cells[1] == (dt.date(2024, 1, 31), Decimal("12042.12"), "TRUE", "")
    assert cells[2] == (dt.datetime(2024, 2, 1, 13, 45, 30), Decimal(421000), "FALSE", "  padded  ")
    assert cells[3] == ("08:30:00", Decimal("-0.1"), "", "26:30:00")
    assert cells[4][1] == Decimal("1E+20")
    assert str(cells[5][1]) == "0.3"  # openpyxl, like Excel, stores 15 significant digits
    assert str(cells[2][1]) == "421000"
    assert workbook.sheets[1].rows == (Row(number=1, cells=("Total", Decimal("433042.12"))),)
    assert workbook.sheets[2].rows == ()


def test_sheet_by_name_index_and_case(workbook_bytes: bytes) -> None:
    assert [s.name for s in read_workbook(workbook_bytes, options=ReadOptions(sheet="Totals")).sheets] == [
        "Totals"
    ]
    assert [s.name for s in read_workbook(workbook_bytes, options=ReadOptions(sheet="totals")).sheets] == [
        "Totals"
    ]
    assert [s.name for s in read_workbook(workbook_bytes, options=ReadOptions(sheet=0)).sheets] == ["Ledger"]


def test_missing_or_chart_sheet_is_refused(workbook_bytes: bytes) -> None:
    with pytest.raises(
        UnreadableFileError, match=r"no sheet named 'Journal'; its sheets are 'Ledger', 'Chart'"
    ):
        read_workbook(workbook_bytes, options=ReadOptions(sheet="Journal"))
    with pytest.raises(UnreadableFileError, match="no sheet number 9"):
        read_workbook(workbook_bytes, options=ReadOptions(sheet=9))
    with pytest.raises(UnreadableFileError, match="'Chart' is a chart"):
        read_workbook(workbook_bytes, options=ReadOptions(sheet="Chart"))
    with pytest.raises(UnreadableFileError, match="its sheets are empty"):
        read_workbook(workbook_bytes, options=ReadOptions(sheet="Empty"))


def test_text_options_do_not_apply_to_workbooks(workbook_bytes: bytes) -> None:
    workbook = read_workbook(
        workbook_bytes, options=ReadOptions(delimiter=";", encoding="cp1252", sheet="Totals")
    )
    assert workbook.sheets[0].rows[0].cells == ("Total", Decimal("433042.12"))


def test_error_cells_come_out_empty_from_calamine() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "amount"
    sheet["A2"] = "#N/A"  # openpyxl stores it as an error cell
    buffer = io.BytesIO()
    book.save(buffer)
    rows = read_workbook(buffer.getvalue()).sheets[0].rows
    assert [row.cells for row in rows] == [("amount",), ("",)]


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples are not mounted")
@pytest.mark.parametrize("name", XLS_SAMPLES)
def test_xlrd_fallback_gives_the_same_sheets_as_calamine(name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    assert read_xlrd(data, None) == tuple(map(to_sheet, calamine_sheets(data, None, Limits())))
    assert read_xlrd(data, 0) == tuple(map(to_sheet, calamine_sheets(data, 0, Limits())))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (421000.0, "421000"),
        (12042.12, "12042.12"),
        (-0.0, "0"),
        (1e-7, "1E-7"),
        (2.0**60, "1.152921504606847E+18"),
        (float("nan"), "#NUM!"),
        (float("inf"), "#NUM!"),
    ],
)
def test_numbers_become_the_decimal_excel_shows(value: float, expected: str) -> None:
    assert str(number(value)) == expected


def test_convert_row_keeps_strings_and_dates() -> None:
    day = dt.date(2024, 1, 1)
    assert convert_row(["x", "", 3, day, True, dt.timedelta(seconds=-90)]) == (
        "x",
        "",
        Decimal(3),
        day,
        "TRUE",
        "-0:01:30",
    )


def test_new_row_is_an_ordinary_row() -> None:
    fast = new_row(3, ("a", "b"))
    assert fast == Row(number=3, cells=("a", "b"))
    assert hash(fast) == hash(Row(number=3, cells=("a", "b"), kind=None))
    with pytest.raises(AttributeError):
        fast.number = 4  # type: ignore[misc]
