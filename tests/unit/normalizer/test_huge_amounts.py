"""Issue 13, finding 7 (amount part): an amount too large for a record is a row error, not a
`decimal.InvalidOperation` traceback, on the general and the columnar paths alike."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from normalizer import normalize
from normalizer.values.magnitude import oversized

HEADER = b"date,account,description,debit,credit\n"


@pytest.mark.parametrize("fast_path", [False, True])
@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        (b"1" * 27, "27 digits before the decimal mark"),
        (b"1" * 27 + b".50", "27 digits before the decimal mark"),
        (b"0." + b"1" * 40, "40 significant digits"),
    ],
)
def test_a_huge_csv_amount_is_a_row_error(fast_path: bool, amount: bytes, reason: str) -> None:
    data = (
        HEADER + b"2024-01-02,411,ok,10.00,\n2024-01-03,411,huge," + amount + b",\n2024-01-04,411,ok,,10.00\n"
    )
    result = normalize(data, name="gl.csv", fast_path=fast_path)
    assert [r.row_number for r in result.records] == [2, 4]
    (issue,) = [i for i in result.issues if i.severity == "error"]
    assert (issue.row, issue.column, issue.code) == (3, "debit", "invalid-amount")
    assert reason in issue.message


@pytest.mark.parametrize("fast_path", [False, True])
def test_huge_workbook_numbers_are_row_errors(fast_path: bool) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["date", "account", "description", "debit", "credit"])
    sheet.append(["2024-01-02", "411", "ok", 10, None])
    sheet.append(["2024-01-03", "411", "huge", 1e26, None])
    sheet.append(["2024-01-04", "411", "huger", 1e308, None])
    sheet.append(["2024-01-05", "411", "ok", None, 10])
    buffer = io.BytesIO()
    book.save(buffer)
    result = normalize(buffer.getvalue(), name="gl.xlsx", fast_path=fast_path)
    assert [r.row_number for r in result.records] == [2, 5]
    assert [(i.row, i.code) for i in result.issues if i.severity == "error"] == [
        (3, "invalid-amount"),
        (4, "invalid-amount"),
    ]


def test_a_debit_and_a_negative_credit_that_add_past_the_limit_are_a_row_error() -> None:
    # A negative credit is a debit: each fits, the debit they make does not.
    data = (
        b"date,account,debit,credit\n2024-01-02,411,"
        + b"9" * 26
        + b",-"
        + b"9" * 26
        + b"\n2024-01-03,411,1.00,\n"
    )
    result = normalize(data, name="gl.csv", fast_path=False)
    assert [r.row_number for r in result.records] == [3]
    assert [(i.row, i.code) for i in result.issues if i.severity == "error"] == [(2, "invalid-amount")]


@pytest.mark.parametrize(
    ("value", "fits"),
    [
        ("9" * 26, True),
        ("9" * 26 + ".99", True),
        ("1" * 27, False),
        ("1E26", False),
        ("1E25", True),
        ("1.000000000000000000000000000000", True),  # trailing zeros are not digits kept
        ("0." + "1" * 28, True),
        ("0." + "1" * 29, False),
        ("-" + "1" * 27, False),
    ],
)
def test_oversized(value: str, fits: bool) -> None:
    assert (oversized(Decimal(value)) is None) is fits
