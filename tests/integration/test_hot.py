"""Hot partitions: load with COPY, read back identical records, drop in constant time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ledgerstore.errors import PartitionGoneError
from ledgerstore.hot.partitions import (
    drop_partition,
    drop_retired,
    load_partition,
    lock_hot_ddl,
    partition_exists,
    retire_partition,
    stream_partition,
)
from ledgerstore.summary import summarize
from normalizer.record import Record


def _records(ledger_file_id: int, n: int) -> list[Record]:
    return [
        Record(
            ledger_file_id=ledger_file_id,
            row_number=i + 1,
            posted_on=dt.date(2025, 1, 1) + dt.timedelta(days=i % 300) if i % 7 else None,
            account=f"{4000 + i % 5}",
            account_name='Sales ünïcode, "quoted"\ttab',
            description="" if i % 3 else "line\nbreak",
            reference=f"R{i}",
            journal=f"J{i // 2}",
            debit=Decimal("1234.567") if i % 2 else Decimal(0),
            credit=Decimal(0) if i % 2 else Decimal("0.1"),
            currency="EUR",
            attributes={"Dept": str(i % 4), "Empty": "", "Ümlaut key": "v"},
        )
        for i in range(n)
    ]


def test_loaded_partition_reads_back_the_same_records(engine: sa.Engine) -> None:
    records = _records(3, 500)
    with engine.begin() as connection:
        loaded = load_partition(connection, 3, records)
    assert loaded == summarize(records)
    with engine.begin() as connection:
        assert list(stream_partition(connection, 3)) == records
        assert partition_exists(connection, 3)


def test_reloading_a_partition_replaces_it_without_duplicates(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        load_partition(connection, 4, _records(4, 50))
    with engine.begin() as connection:
        load_partition(connection, 4, _records(4, 20))
    with engine.begin() as connection:
        count = connection.execute(
            sa.text("SELECT count(*) FROM hot_records WHERE ledger_file_id = 4")
        ).scalar()
    assert count == 20


def test_a_failed_load_leaves_nothing(engine: sa.Engine) -> None:
    def failing() -> list[Record]:
        raise RuntimeError("normalizer crashed mid-way")

    with pytest.raises(RuntimeError), engine.begin() as connection:
        load_partition(connection, 5, (r for r in [*_records(5, 10), *failing()]))
    with engine.begin() as connection:
        assert not partition_exists(connection, 5)


def test_dropped_partition_is_reported_as_gone(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        load_partition(connection, 6, _records(6, 5))
    with engine.begin() as connection:
        drop_partition(connection, 6)
        drop_partition(connection, 6)  # idempotent
    with pytest.raises(PartitionGoneError), engine.begin() as connection:
        list(stream_partition(connection, 6))


def _tables(connection: sa.Connection, pattern: str) -> list[str]:
    query = sa.text("SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE :p ORDER BY 1")
    return list(connection.execute(query, {"p": pattern}).scalars())


def test_a_retired_partition_is_gone_for_readers_at_commit_and_dropped_after(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        load_partition(connection, 7, _records(7, 5))
        load_partition(connection, 8, _records(8, 4))
    with engine.begin() as connection:
        lock_hot_ddl(connection)
        retire_partition(connection, 7)
    with engine.begin() as connection:
        assert not partition_exists(connection, 7)
        [retired] = _tables(connection, "hot\\_retired\\_%")
        assert retired.startswith("hot_retired_7_")
        inherits = "SELECT count(*) FROM pg_inherits WHERE inhrelid = CAST(:t AS regclass)"
        assert connection.execute(sa.text(inherits), {"t": retired}).scalar() == 0  # detached
        assert connection.execute(sa.text("SELECT count(*) FROM hot_records")).scalar() == 4
    with pytest.raises(PartitionGoneError), engine.begin() as connection:
        list(stream_partition(connection, 7))
    with engine.begin() as connection:
        assert drop_retired(connection) == [retired]
        assert drop_retired(connection) == []  # idempotent
        assert _tables(connection, "hot\\_retired\\_%") == []
        assert [r.row_number for r in stream_partition(connection, 8)] == [1, 2, 3, 4]


def test_records_are_relabelled_with_the_ledger_they_are_loaded_into(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        load_partition(connection, 9, _records(0, 3))
        assert {r.ledger_file_id for r in stream_partition(connection, 9)} == {9}


def test_streamed_records_are_sealed_records_with_canonical_amounts(engine: sa.Engine) -> None:
    records = _records(10, 20)
    with engine.begin() as connection:
        load_partition(connection, 10, records)
    with engine.begin() as connection:
        streamed = list(stream_partition(connection, 10))
    assert all(type(record) is Record for record in streamed)
    amounts = [(str(r.debit), str(r.credit)) for r in records]
    assert [(str(r.debit), str(r.credit)) for r in streamed] == amounts  # same scale, not just value
    with pytest.raises(AttributeError):
        streamed[0].debit = Decimal(1)  # type: ignore[misc]
    with pytest.raises(TypeError):
        streamed[0].attributes["Dept"] = "x"  # type: ignore[index]


def test_hot_partitions_are_not_autovacuumed(engine: sa.Engine) -> None:
    # Written once, never updated: an autovacuum there would only delay the DROP of a switch.
    with engine.begin() as connection:
        load_partition(connection, 11, _records(11, 3))
        options = connection.execute(
            sa.text("SELECT reloptions FROM pg_class WHERE relname = 'hot_records_11'")
        ).scalar()
    assert options == ["autovacuum_enabled=false"]
