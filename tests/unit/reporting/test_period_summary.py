"""Period summary: calendar and fiscal months, worked out by hand."""

from __future__ import annotations

import pytest

from reporting import ReportParameterError, period_summary
from tests.unit.reporting.ledger import HYPERLINK, d, ledger, line


def test_net_per_account_per_calendar_month() -> None:
    table = period_summary(ledger())
    names = [c.name for c in table.columns]
    assert names == ["account", "account_name", "currency", "2025-01", "2025-02", "2025-03", "total"]
    assert all(c.kind == "amount" for c in table.columns[3:])
    z = d("0.00")
    assert table.rows == (
        ("1200", "Bank", "USD", d("1234.56"), d("-500.00"), d("-315.25"), d("419.31")),
        ("1210", HYPERLINK, "EUR", z, z, d("100.00"), d("100.00")),
        ("2000", "Accounts payable", "USD", z, d("-89.90"), z, d("-89.90")),
        ("4000", "Sales", "EUR", z, z, d("-100.00"), d("-100.00")),
        ("4000", "Sales", "USD", d("-1234.56"), z, z, d("-1234.56")),
        ("6000", "Rent", "USD", z, d("500.00"), z, d("500.00")),
        ("6100", "Office supplies", "USD", z, d("89.90"), z, d("89.90")),
        ("6150", "Travel", "USD", z, z, d("250.00"), d("250.00")),
        ("6900", "Entertainment", "USD", z, z, d("75.25"), d("75.25")),
    )
    assert table.main.totals == (
        ("Total", "", "EUR", z, z, z, z),
        ("Total", "", "USD", z, z, d("10.00"), d("10.00")),
    )


def test_fiscal_months_are_named_by_the_year_the_fiscal_year_ends_in() -> None:
    # Fiscal year starting in February: January 2025 closes FY2025, February 2025 opens FY2026.
    table = period_summary(ledger(), fiscal_start_month=2, accounts="1200")
    assert [c.name for c in table.columns[3:]] == ["FY2025 P12", "FY2026 P01", "FY2026 P02", "total"]
    assert table.rows == (("1200", "Bank", "USD", d("1234.56"), d("-500.00"), d("-315.25"), d("419.31")),)
    assert ("fiscal_start_month", "2") in table.provenance.parameters


def test_a_july_fiscal_year() -> None:
    records = [
        line(2, "2024-06-30", "A", "5000", "Wages", debit="1.00"),
        line(3, "2024-07-01", "B", "5000", "Wages", debit="2.00"),
        line(4, "2025-06-15", "C", "5000", "Wages", debit="4.00"),
    ]
    table = period_summary(records, fiscal_start_month=7)
    assert [c.name for c in table.columns[3:]] == ["FY2024 P12", "FY2025 P01", "FY2025 P12", "total"]
    assert table.rows == (("5000", "Wages", "USD", d("1.00"), d("2.00"), d("4.00"), d("7.00")),)


def test_undated_records_get_their_own_column_unless_a_range_is_given() -> None:
    records = [
        line(2, None, "A", "5000", "Wages", debit="1.00"),
        line(3, "2025-01-02", "A", "5000", "", debit="2.00"),
    ]
    table = period_summary(records)
    assert [c.name for c in table.columns[3:]] == ["2025-01", "undated", "total"]
    assert table.rows == (("5000", "Wages", "USD", d("2.00"), d("1.00"), d("3.00")),)
    assert [c.name for c in period_summary(records, date_from="2025-01-01").columns[3:]] == [
        "2025-01",
        "total",
    ]


def test_a_month_outside_1_to_12_is_refused() -> None:
    with pytest.raises(ReportParameterError, match="13 is not a month"):
        period_summary([], fiscal_start_month=13)
