"""General-ledger detail: opening balances and running balances, worked out by hand."""

from __future__ import annotations

import datetime as dt

from reporting import gl_detail
from reporting.gl_detail import OPENING
from tests.unit.reporting.ledger import d, ledger, line


def test_running_balance_from_the_opening_balance_before_from() -> None:
    table = gl_detail(ledger(), date_from="2025-02-01", accounts="1200,4000")
    feb = dt.date(2025, 2, 1)
    assert table.rows == (
        # 1200: opening = row 3's debit 1234.56; then -500.00, -240.00, -75.25.
        ("1200", "Bank", "USD", feb, None, "", "", OPENING, None, None, d("1234.56")),
        ("1200", "Bank", "USD", feb, 5, "J2", "", "Rent February", d("0.00"), d("500.00"), d("734.56")),
        (
            "1200",
            "Bank",
            "USD",
            dt.date(2025, 3, 3),
            9,
            "J4",
            "",
            "Train",
            d("0.00"),
            d("240.00"),
            d("494.56"),
        ),
        (
            "1200",
            "Bank",
            "USD",
            dt.date(2025, 3, 20),
            11,
            "J5",
            "",
            "Dinner",
            d("0.00"),
            d("75.25"),
            d("419.31"),
        ),
        # 4000 EUR: nothing before February, one line in range.
        ("4000", "Sales", "EUR", feb, None, "", "", OPENING, None, None, d("0.00")),
        (
            "4000",
            "Sales",
            "EUR",
            dt.date(2025, 3, 31),
            13,
            "J6",
            "",
            "-1+1",
            d("0.00"),
            d("100.00"),
            d("-100.00"),
        ),
        # 4000 USD: only an opening balance (its one line is before February).
        ("4000", "Sales", "USD", feb, None, "", "", OPENING, None, None, d("-1234.56")),
    )


def test_to_drops_later_lines_and_no_from_opens_at_zero() -> None:
    table = gl_detail(ledger(), date_to="2025-02-28", accounts=["2000", "6000"])
    assert table.rows == (
        ("2000", "Accounts payable", "USD", None, None, "", "", OPENING, None, None, d("0.00")),
        ("2000", "Accounts payable", "USD", dt.date(2025, 2, 14), 7, "J3", "", "Paper", d("0.00"), d("89.90"),
         d("-89.90")),
        ("6000", "Rent", "USD", None, None, "", "", OPENING, None, None, d("0.00")),
        ("6000", "Rent", "USD", dt.date(2025, 2, 1), 4, "J2", "", "Rent February", d("500.00"), d("0.00"),
         d("500.00")),
    )  # fmt: skip
    assert table.provenance.parameters == (("to", "2025-02-28"), ("accounts", "2000,6000"))


def test_lines_are_in_date_order_then_row_order_and_undated_lines_come_first() -> None:
    records = [
        line(2, "2025-03-01", "A", "1000", "Cash", debit="1.00"),
        line(3, "2025-01-01", "B", "1000", "Cash", debit="2.00"),
        line(4, None, "C", "1000", "Cash", credit="0.50"),
        line(5, "2025-01-01", "D", "1000", "Cash", debit="4.00"),
    ]
    table = gl_detail(records)
    assert [(row[4], row[10]) for row in table.rows] == [
        (None, d("0.00")),
        (4, d("-0.50")),
        (3, d("1.50")),
        (5, d("5.50")),
        (2, d("6.50")),
    ]
    # With a range, undated lines are outside it.
    assert [row[4] for row in gl_detail(records, date_to="2025-12-31").rows] == [None, 3, 5, 2]
