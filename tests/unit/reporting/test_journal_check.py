"""Journal check: only journals whose debits differ from their credits, per currency."""

from __future__ import annotations

import datetime as dt

from reporting import journal_check
from tests.unit.reporting.ledger import d, ledger, line


def test_the_one_unbalanced_journal_and_the_summary() -> None:
    table = journal_check(ledger())
    assert table.rows == (("J4", "USD", dt.date(2025, 3, 3), 2, d("250.00"), d("240.00"), d("10.00")),)
    # (journal, currency) pairs J1..J5 in USD and J6 in EUR; 12 lines; 1 unbalanced.
    assert table.section("summary").rows == ((6, 12, 1),)


def test_currencies_are_checked_separately_and_the_first_date_is_the_earliest() -> None:
    records = [
        line(2, "2025-05-02", "X", "1000", "Cash", debit="10.00", currency="USD"),
        line(3, "2025-05-01", "X", "2000", "Loan", credit="10.00", currency="EUR"),
        line(4, None, "", "3000", "Misc", debit="0.01"),
    ]
    table = journal_check(records)
    assert table.rows == (
        ("", "USD", None, 1, d("0.01"), d("0.00"), d("0.01")),
        ("X", "EUR", dt.date(2025, 5, 1), 1, d("0.00"), d("10.00"), d("-10.00")),
        ("X", "USD", dt.date(2025, 5, 2), 1, d("10.00"), d("0.00"), d("10.00")),
    )
    assert table.section("summary").rows == ((3, 3, 3),)


def test_a_range_can_cut_a_journal() -> None:
    records = [
        line(2, "2025-01-31", "Y", "1000", "Cash", debit="5.00"),
        line(3, "2025-02-01", "Y", "2000", "Loan", credit="5.00"),
    ]
    assert journal_check(records).rows == ()
    table = journal_check(records, date_from="2025-02-01")
    assert table.rows == (("Y", "USD", dt.date(2025, 2, 1), 1, d("0.00"), d("5.00"), d("-5.00")),)
