from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer import Issue, Record
from normalizer.checks import (
    columnar_record_checks,
    control_totals,
    fiscal_year_range,
    journal_balance,
    run_record_checks,
)
from normalizer.fast.collect import RecordCollector
from normalizer.fast.records import ColumnRecords
from normalizer.issue_columns import ordered_issues
from normalizer.profiles.model import Control
from normalizer.result import in_row_order
from normalizer.structure.typed import ControlSpan


def _record(
    row: int, journal: str, debit: str, credit: str, currency: str = "EUR", year: int = 2024
) -> Record:
    return Record(
        ledger_file_id=None, row_number=row, posted_on=dt.date(year, 1, 1), account="1", account_name="",
        description="", reference="", journal=journal, debit=Decimal(debit), credit=Decimal(credit),
        currency=currency,
    )  # fmt: skip


def test_journal_balance_per_currency() -> None:
    records = [_record(1, "J1", "10", "0"), _record(2, "J1", "0", "10"), _record(3, "J2", "5", "0", "USD"),
               _record(4, "J2", "0", "5", "EUR")]  # fmt: skip
    check, issues = journal_balance(records)
    assert check is not None and not check.passed
    assert [u["currency"] for u in check.details["unbalanced"]] == ["USD", "EUR"]
    assert {i.row for i in issues} == {3}


def test_no_journals_no_check() -> None:
    assert journal_balance([_record(1, "", "1", "0")]) == (None, [])


def test_fiscal_year() -> None:
    check, issues = fiscal_year_range([_record(1, "", "1", "0"), _record(2, "", "1", "0", year=2023)], 2024)
    assert not check.passed and [i.row for i in issues] == [2]


def test_control_totals() -> None:
    records = [_record(2, "", "7.00", "0"), _record(3, "", "0", "10.00")]
    span = ControlSpan(
        opening={"bal": "100.00", "side": "2"},
        control={"dn": "1", "dt": "7.00", "cn": "1", "ct": "10.00", "cb": "104.00", "cs": "2"},
        first_row=1, control_row=4,
    )  # fmt: skip
    control = Control(
        kind="33", debit_count="dn", debit_total="dt", credit_count="cn", credit_total="ct",
        closing_balance="cb", closing_side="cs", opening_balance="bal", opening_side="side",
    )  # fmt: skip
    results, issues = control_totals(
        records,
        [span],
        control,
        amount=Decimal,
        side={"1": "debit", "2": "credit"}.get,
    )
    assert not results[0].passed
    assert [i.column for i in issues] == ["closing_balance"]
    assert results[0].details["figures"]["closing_balance"]["computed"] == "103.00"


def test_fiscal_year_issues_are_ordinary_issues() -> None:
    """Built as drafts (`trusted_issue`), they are `Issue`s equal to ones built field by field."""
    from normalizer.result import Issue

    check, issues = fiscal_year_range([_record(5, "", "1", "0", year=2023)], 2024)
    expected = Issue(
        row=5,
        column="posted_on",
        raw=issues[0].raw,
        message=f"dated {issues[0].raw}, outside fiscal year 2024",
        severity="warning",
        code="outside-fiscal-year",
    )
    assert type(issues[0]) is Issue and issues == [expected] and hash(issues[0]) == hash(expected)
    assert issues[0].raw is not None and issues[0].raw.startswith("2023-")
    assert check.details == {"fiscal_year": 2024, "outside": 1}
    with pytest.raises(AttributeError):
        issues[0].row = 6  # type: ignore[misc]  # sealed: frozen like any Issue


def test_in_row_order_is_the_stable_sort_by_row() -> None:
    from normalizer.result import Issue, in_row_order

    def issue(row: int | None, code: str) -> Issue:
        return Issue(row=row, column=None, raw=None, message=code, code=code)

    issues = [issue(None, "a"), issue(3, "b"), issue(2, "c"), issue(None, "d"), issue(3, "e"), issue(1, "f")]
    expected = sorted(issues, key=lambda i: (i.row is not None, i.row or 0))
    assert in_row_order(issues) == expected
    assert [i.message for i in in_row_order(issues)] == ["a", "d", "f", "c", "b", "e"]


def test_collector_is_restored_after_the_fiscal_year_issues() -> None:
    import gc

    assert gc.isenabled()
    fiscal_year_range([_record(5, "", "1", "0", year=2023)], 2024)
    assert gc.isenabled()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "J1", "J2", "J3"]),
            st.integers(0, 3),
            st.integers(0, 3),
            st.sampled_from(["EUR", "USD"]),
            st.sampled_from([2023, 2024]),
        ),
        min_size=7,  # a collector of chunks of 7 gives columns from 7 records on
        max_size=40,
    )
)
def test_columnar_checks_give_the_record_checks_results(
    rows: list[tuple[str, int, int, str, int]],
) -> None:
    records = [
        _record(row, journal, f"{debit}.50", f"{credit}.50", currency, year)
        for row, (journal, debit, credit, currency, year) in enumerate(rows, start=2)
    ]
    collector = RecordCollector(None, chunk=7)
    for record in records:
        collector.append(record)
    columns = collector.finish()
    assert isinstance(columns, ColumnRecords)

    checks, issues = columnar_record_checks(columns, 2024)

    want_checks, want_issues = run_record_checks(
        records, (), None, decimal_mark=None, amount_scale=0, side_tokens=None, fiscal_year=2024
    )
    assert checks == want_checks
    assert ordered_issues(issues) == tuple(in_row_order(want_issues))
