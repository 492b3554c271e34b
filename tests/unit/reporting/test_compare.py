"""Compare two uploads: per-account totals, records added and removed."""

from __future__ import annotations

import dataclasses
import datetime as dt

from normalizer.record import Record
from reporting import Source, compare
from tests.unit.reporting.ledger import d, ledger, line

Z = d("0.00")


def _v2() -> list[Record]:
    """The ledger re-exported: rows renumbered, J5 dropped, J7 added, one duplicate line."""
    old = ledger()
    kept = [r for r in old if r.journal not in ("J5", "J6")]
    moved = [dataclasses.replace(r, row_number=r.row_number + 100, ledger_file_id=2) for r in kept]
    return [
        *moved,
        line(200, "2025-03-25", "J7", "6000", "Rent", debit="500.00"),
        line(201, "2025-03-25", "J7", "1200", "Bank", credit="500.00"),
        line(202, "2025-03-25", "J7", "1200", "Bank", credit="500.00"),
    ]


def test_account_totals_in_each_and_the_difference() -> None:
    table = compare(ledger(), _v2(), old_source=Source(ledger_file_id=1), new_source=Source(ledger_file_id=2))
    assert table.rows == (
        # old 1234.56/815.25; new 1234.56/(500+240+500+500)=1740.00
        ("1200", "Bank", "USD", d("1234.56"), d("815.25"), d("419.31"), d("1234.56"), d("1740.00"),
         d("-505.44"), d("-924.75")),
        ("1210", '=HYPERLINK("http://x.test","click")', "EUR", d("100.00"), Z, d("100.00"), Z, Z, Z,
         d("-100.00")),
        ("2000", "Accounts payable", "USD", Z, d("89.90"), d("-89.90"), Z, d("89.90"), d("-89.90"), Z),
        ("4000", "Sales", "EUR", Z, d("100.00"), d("-100.00"), Z, Z, Z, d("100.00")),
        ("4000", "Sales", "USD", Z, d("1234.56"), d("-1234.56"), Z, d("1234.56"), d("-1234.56"), Z),
        ("6000", "Rent", "USD", d("500.00"), Z, d("500.00"), d("1000.00"), Z, d("1000.00"), d("500.00")),
        ("6100", "Office supplies", "USD", d("89.90"), Z, d("89.90"), d("89.90"), Z, d("89.90"), Z),
        ("6150", "Travel", "USD", d("250.00"), Z, d("250.00"), d("250.00"), Z, d("250.00"), Z),
        ("6900", "Entertainment", "USD", d("75.25"), Z, d("75.25"), Z, Z, Z, d("-75.25")),
    )  # fmt: skip


def test_records_are_matched_ignoring_row_number_and_ledger_id() -> None:
    table = compare(ledger(), _v2())
    mar25 = dt.date(2025, 3, 25)
    assert table.section("added").rows == (
        (200, mar25, "6000", "Rent", "J7", "", "", d("500.00"), Z, "USD", ""),
        (201, mar25, "1200", "Bank", "J7", "", "", Z, d("500.00"), "USD", ""),
        (202, mar25, "1200", "Bank", "J7", "", "", Z, d("500.00"), "USD", ""),
    )
    assert [row[0] for row in table.section("removed").rows] == [10, 11, 12, 13]
    assert table.section("removed").rows[0] == (
        10, dt.date(2025, 3, 20), "6900", "Entertainment", "J5", "", "Dinner", d("75.25"), Z, "USD", ""
    )  # fmt: skip
    assert table.section("summary").rows == ((12, 11, 8, 3, 4),)
    assert [role for role, _ in table.provenance.sources] == ["old", "new"]
    assert [s.record_count for _, s in table.provenance.sources] == [12, 11]


def test_duplicates_match_once_per_copy_and_attributes_count() -> None:
    a = line(2, "2025-01-01", "J", "1000", "Cash", debit="1.00")
    b = dataclasses.replace(a, row_number=3)
    tagged = dataclasses.replace(a, row_number=4, attributes={"Dept": "=X"})
    table = compare([a, b], [tagged, a])
    assert table.section("summary").rows == ((2, 2, 1, 1, 1),)
    assert table.section("added").rows[0][0] == 4
    assert table.section("added").rows[0][10] == '{"Dept":"=X"}'
    assert [row[0] for row in table.section("removed").rows] == [3]


def test_filters_apply_to_both_sides() -> None:
    table = compare(ledger(), _v2(), accounts="6*", date_from="2025-03-01")
    assert [row[0] for row in table.rows] == ["6000", "6150", "6900"]
    assert table.section("summary").rows == ((2, 2, 1, 1, 1),)
    assert table.provenance.parameters == (("from", "2025-03-01"), ("accounts", "6*"))
