"""Reports computed on Arrow columns give the bytes the record loop gives, in every format."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reporting
from ledgerstore.artifacts.columns import records_table
from normalizer.record import Record
from reporting import Source, trial_balance
from tests.unit.reporting.ledger import SOURCE, ledger

KNOWN = dataclasses.replace(SOURCE, records_sha256="ab" * 32)


class Columnar:
    """Records that also read as columns, as a cold `RecordSet` does (and say whether it was used)."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self.read_as: str | None = None

    @property
    def columnar(self) -> bool:
        return self.read_as is None

    def to_arrow(self, columns: Sequence[str] | None = None) -> pa.Table:
        self.read_as = "columns"
        return records_table(self.records, columns)

    def __iter__(self) -> Iterator[Record]:
        self.read_as = "records"
        return iter(self.records)


def _record(row: int, account: str, debit: str, credit: str, **changes: object) -> Record:
    values: dict[str, object] = {
        "ledger_file_id": 1,
        "row_number": row,
        "posted_on": dt.date(2025, 1, 1) + dt.timedelta(days=row % 90),
        "account": account,
        "account_name": f"Name {account}",
        "description": "",
        "reference": "",
        "journal": f"J{row // 2}",
        "debit": Decimal(debit),
        "credit": Decimal(credit),
        "currency": "USD",
        "attributes": {},
    }
    values.update(changes)
    return Record(**values)  # type: ignore[arg-type]


def _both(records: list[Record], **params: object) -> tuple[reporting.Table, reporting.Table]:
    columnar = Columnar(records)
    via_columns = trial_balance(columnar, source=KNOWN, **params)  # type: ignore[arg-type]
    assert columnar.read_as == "columns"
    return via_columns, trial_balance(records, source=KNOWN, **params)  # type: ignore[arg-type]


def _same(left: reporting.Table, right: reporting.Table) -> None:
    assert left == right
    for fmt in reporting.FORMATS:
        assert reporting.render(left, fmt) == reporting.render(right, fmt), fmt
    for a, b in zip(left.rows, right.rows, strict=True):  # the same Decimals, exponents included
        assert [str(cell) for cell in a] == [str(cell) for cell in b]


@pytest.mark.parametrize(
    "params",
    [{}, {"date_from": "2025-02-01"}, {"date_to": "2025-01-31", "accounts": "1200,6*"}, {"accounts": "4000"}],
)
def test_the_hand_built_ledger_from_columns(params: dict[str, object]) -> None:
    _same(*_both(ledger(), **params))


def test_sums_keep_each_groups_own_number_of_decimals() -> None:
    records = [
        _record(2, "1000", "1.235", "0"),  # three decimals in 1000's debits only
        _record(3, "1000", "2.10", "0.5"),
        _record(4, "2000", "1.00", "3.20"),  # two decimals everywhere in 2000
        _record(5, "3000", "0.0001", "0"),
    ]
    via_columns, via_records = _both(records)
    _same(via_columns, via_records)
    assert [str(row[3]) for row in via_columns.rows] == ["3.335", "1.00", "0.0001"]
    assert [str(row[4]) for row in via_columns.rows] == ["0.50", "3.20", "0.00"]


def test_the_name_is_the_first_non_empty_one_in_range_and_missing_dates_are_out_of_range() -> None:
    records = [
        _record(2, "1000", "1.00", "0", account_name=""),
        _record(3, "1000", "1.00", "0", account_name="Cash", posted_on=None),
        _record(4, "1000", "1.00", "0", account_name="Bank"),
        _record(5, "1000", "1.00", "0", account_name="Later"),
        _record(6, "2000", "1.00", "0", account_name=""),
    ]
    _same(*_both(records))
    via_columns, via_records = _both(records, date_from="2025-01-01")
    _same(via_columns, via_records)
    assert [row[1] for row in via_columns.rows] == ["Bank", ""]


def test_record_sets_without_a_known_checksum_are_read_as_records() -> None:
    columnar = Columnar(ledger())
    trial_balance(columnar, source=SOURCE)  # type: ignore[arg-type]
    assert columnar.read_as == "records"  # the records are digested on the way through


amounts = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["1000", "1010", "61-2", "61-10", "999"]),
            st.sampled_from(["", "Bank", "Other"]),
            st.sampled_from(["USD", "EUR", ""]),
            amounts,
            amounts,
            st.none() | st.dates(min_value=dt.date(2024, 12, 1), max_value=dt.date(2025, 3, 1)),
        ),
        max_size=40,
    ),
    st.sampled_from([{}, {"date_from": "2025-01-01"}, {"date_to": "2025-01-31"}]),
)
def test_any_records_give_the_same_trial_balance(
    rows: list[tuple[object, ...]], params: dict[str, str]
) -> None:
    records = [
        _record(
            index + 2,
            str(account),
            str(debit),
            str(credit),
            account_name=name,
            currency=currency,
            posted_on=day,
        )
        for index, (account, name, currency, debit, credit, day) in enumerate(rows)
    ]
    _same(*_both(records, **params))


def test_a_source_is_named_in_the_provenance_either_way() -> None:
    via_columns, _ = _both(ledger())
    ((_, source),) = via_columns.provenance.sources
    assert source == dataclasses.replace(KNOWN, record_count=len(ledger()))
    assert isinstance(source, Source)


def test_the_cost_summary_from_columns() -> None:
    from reporting import cost_summary
    from tests.unit.reporting.test_cost_summary import _mapping

    mapping = _mapping()
    columnar = Columnar(ledger())
    via_columns = cost_summary(columnar, mapping, rate="15%", source=KNOWN)  # type: ignore[arg-type]
    assert columnar.read_as == "columns"
    _same(via_columns, cost_summary(ledger(), mapping, rate="15%", source=KNOWN))
