"""`RecordCollector`: the general path's records as columns, equal record for record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer.canonical import jsonl_lines, records_sha256
from normalizer.fast.collect import RecordCollector
from normalizer.fast.records import ColumnRecords
from normalizer.record import Record, canonical_amount


def _record(row: int, debit: str = "1.00", credit: str = "0.00", **attributes: str) -> Record:
    return Record(
        ledger_file_id=9,
        row_number=row,
        posted_on=dt.date(2025, 1, 1) + dt.timedelta(days=row % 40) if row % 5 else None,
        account=f"{1000 + row % 3}",
        account_name="Cash" if row % 2 else "",
        description=f'line {row} "quoted" \\ é' if row % 3 else "",
        reference="",
        journal=f"J{row // 2}",
        debit=canonical_amount(Decimal(debit)),
        credit=canonical_amount(Decimal(credit)),
        currency="EUR" if row % 4 else "",
        attributes=attributes,
    )


def _collect(records: list[Record], chunk: int) -> object:
    collector = RecordCollector(9, chunk=chunk)
    for record in records:
        collector.append(record)
    return collector.finish()


def _assert_equal(got: object, records: list[Record]) -> None:
    assert list(got) == records  # type: ignore[call-overload]
    if isinstance(got, ColumnRecords):
        assert got == records and records == got
    assert b"".join(jsonl_lines(got)) == b"".join(jsonl_lines(records))  # type: ignore[arg-type]


def test_fewer_records_than_a_chunk_stay_a_tuple() -> None:
    records = [_record(i) for i in range(5)]
    got = _collect(records, chunk=6)
    assert isinstance(got, tuple) and list(got) == records


def test_chunks_become_columns_with_every_field_exact() -> None:
    records = [
        _record(i, f"{i}.{i % 7}", "0.005" if i % 2 else "0", **({"Dept": f"D{i}"} if i % 3 else {}))
        for i in range(23)
    ]
    got = _collect(records, chunk=4)
    assert isinstance(got, ColumnRecords)
    _assert_equal(got, records)
    assert got.canonical_digest()[0] == records_sha256(records)


def test_an_empty_attribute_value_keeps_the_records() -> None:
    records = [_record(i, Dept="A") for i in range(3)] + [_record(3, Dept="")]  # columns read "" as absent
    got = _collect(records, chunk=2)
    assert isinstance(got, tuple)
    assert list(got) == records
    assert got[3].attributes == {"Dept": ""}


def test_chunks_with_other_attributes_and_scales_join() -> None:
    records = [
        *(_record(i, "1.25", Dept="A") for i in range(3)),
        *(_record(i, "0.00001", "2", Vendor="V", Dept="B") for i in range(3, 6)),
        *(_record(i, "3") for i in range(6, 8)),
    ]
    got = _collect(records, chunk=3)
    assert isinstance(got, ColumnRecords)
    _assert_equal(got, records)
    assert got.debit.scale == 5


def test_an_amount_past_int64_units_keeps_the_records() -> None:
    huge = "12345678901234567.891"  # 20 digits of units at scale 3
    records = [*(_record(i) for i in range(4)), _record(4, huge), *(_record(i) for i in range(5, 9))]
    got = _collect(records, chunk=2)
    assert isinstance(got, tuple)
    assert list(got) == records


def test_scales_that_overflow_when_joined_keep_the_records() -> None:
    records = [_record(0, "9000000000000000.00"), _record(1, "9000000000000000.00"), _record(2, "0.0001")]
    got = _collect(records, chunk=2)
    assert isinstance(got, tuple)
    assert list(got) == records


def test_an_attribute_named_like_a_field_keeps_the_records() -> None:
    records = [_record(i) for i in range(3)] + [_record(3, journal="x")]
    got = _collect(records, chunk=2)
    assert isinstance(got, tuple)
    assert list(got) == records


_amounts = st.decimals(min_value=0, max_value=10**12, places=4, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    amounts=st.lists(st.tuples(_amounts, _amounts), min_size=1, max_size=30),
    chunk=st.integers(min_value=1, max_value=8),
)
def test_property_columns_equal_the_records(amounts: list[tuple[Decimal, Decimal]], chunk: int) -> None:
    records = [
        _record(i, str(d), str(c), **({"Note": "n"} if i % 4 == 1 else {}))
        for i, (d, c) in enumerate(amounts)
    ]
    _assert_equal(_collect(records, chunk=chunk), records)
