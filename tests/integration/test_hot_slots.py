"""The bounded hot layout: small ledgers share slots, large ones have a partition of their own.

Transitions between the two, readers during a small ledger's switch (DML only), crashes in
either kind of switch, and the migration of per-ledger partitions (0004) to slots (0005).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import URL

from ledgerstore import LedgerStore, Settings
from ledgerstore.db.engine import create_engine
from ledgerstore.db.migrate import alembic_config, upgrade
from ledgerstore.db.schema import SHARED_SLOTS, shared_slot, shared_slot_name
from ledgerstore.errors import PartitionGoneError
from ledgerstore.hot.partitions import own_partition_exists, partition_exists
from ledgerstore.hot.slots import stream_hot
from tests.integration.test_crash_safety import crash

ROOT = Path(__file__).resolve().parents[2]
SIX_ROWS = 6  # every fixture ledger has 6 records


def _large(store: LedgerStore, settings: Settings) -> LedgerStore:
    """The same store, with 6-record ledgers counted as large (a partition of their own)."""
    return LedgerStore(
        engine=store.engine,
        objects=store.objects,
        settings=settings.with_changes(hot_own_partition_rows=SIX_ROWS),
    )


def _hot_rows(store: LedgerStore) -> list[tuple[int, int, int]]:
    query = "SELECT ledger_file_id, slot, count(*) FROM hot_records GROUP BY 1, 2 ORDER BY 1"
    with store.engine.connect() as connection:
        return [(int(i), int(s), int(n)) for i, s, n in connection.execute(sa.text(query)).all()]


def _partitions(store: LedgerStore) -> int:
    query = "SELECT count(*) FROM pg_inherits WHERE inhparent = 'hot_records'::regclass"
    with store.engine.connect() as connection:
        return int(connection.execute(sa.text(query)).scalar_one())


def test_small_ledgers_share_a_bounded_number_of_partitions(store: LedgerStore, ledger_fixture: Path) -> None:
    ids = [
        store.ingest(ledger_fixture / "acme-2025-v1.csv", account=f"A{n}", fiscal_year=2025).ledger.id
        for n in range(SHARED_SLOTS + 6)
    ]
    assert _partitions(store) == SHARED_SLOTS  # not one per ledger
    assert _hot_rows(store) == [(i, shared_slot(i), SIX_ROWS) for i in ids]
    with store.engine.connect() as connection:
        assert not any(own_partition_exists(connection, i) for i in ids)


def test_a_ledger_moves_between_its_slot_and_a_partition_of_its_own(
    store: LedgerStore, settings: Settings, ledger_fixture: Path
) -> None:
    large = _large(store, settings)
    v1 = large.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    assert _hot_rows(store) == [(v1.id, v1.id, SIX_ROWS)]  # own partition: slot = its id
    v2 = store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025).ledger
    assert _hot_rows(store) == [(v2.id, shared_slot(v2.id), SIX_ROWS)]  # large -> small
    v3 = large.ingest(ledger_fixture / "acme-2025-v3.csv", account="ACME", fiscal_year=2025).ledger
    assert _hot_rows(store) == [(v3.id, v3.id, SIX_ROWS)]  # small -> large
    with store.engine.connect() as connection:
        assert [own_partition_exists(connection, i) for i in (v1.id, v2.id, v3.id)] == [False, False, True]
        assert [partition_exists(connection, i) for i in (v1.id, v2.id, v3.id)] == [False, False, True]
    for ledger, tier in ((v1, "cold"), (v2, "cold"), (v3, "hot")):
        with store.records(ledger.id) as records:
            assert records.tier == tier
            assert len(records.to_list()) == SIX_ROWS
            assert records.served_sha256 == records.records_sha256


def test_a_reader_keeps_its_whole_ledger_while_a_small_switch_deletes_it(
    store: LedgerStore, ledger_fixture: Path
) -> None:
    old = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    switched = threading.Event()

    def switch() -> None:
        store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025)
        switched.set()

    with store.records(old.id) as records:
        assert records.tier == "hot"
        rows = iter(records)
        first = next(rows)
        thread = threading.Thread(target=switch)
        thread.start()
        # Pure DML: the switch does not wait for the reader (no DDL, no lock on the reader's table).
        assert switched.wait(timeout=60), "the small ledger's switch waited for a reader"
        rest = list(rows)
        assert records.served_sha256 == records.records_sha256  # the old rows, all of them
    thread.join()
    assert [first.ledger_file_id, *{r.ledger_file_id for r in rest}] == [old.id, old.id]
    assert 1 + len(rest) == SIX_ROWS
    assert store.ledger(old.id).status == "superseded"
    with store.engine.connect() as connection:
        assert not partition_exists(connection, old.id)


def test_rows_gone_from_a_slot_are_reported_as_gone(store: LedgerStore, ledger_fixture: Path) -> None:
    old = store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    store.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025)
    with store.engine.connect() as connection, pytest.raises(PartitionGoneError):
        next(stream_hot(connection, old.id, expected=SIX_ROWS))


def test_readers_during_switches_between_slots_and_own_partitions_see_one_whole_ledger(
    store: LedgerStore, settings: Settings, ledger_fixture: Path
) -> None:
    large = _large(store, settings)
    store.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025)
    stop = threading.Event()
    seen: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            while not stop.is_set():
                active = store.active("ACME", 2025)
                assert active is not None
                with store.records(active.id) as records:
                    rows = records.to_list()
                    assert {record.ledger_file_id for record in rows} == {active.id}
                    seen.append((len(rows), records.served_sha256 == records.records_sha256))
        except BaseException as exc:  # asserted below
            errors.append(exc)

    readers = [threading.Thread(target=reader) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        for n, writer in ((2, large), (3, store), (1, large), (2, store)):
            # Identical bytes are a no-op re-upload; the others alternate layouts.
            writer.ingest(ledger_fixture / f"acme-2025-v{n}.csv", account="ACME", fiscal_year=2025)
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=120)
    assert errors == []
    assert seen and all(whole for _, whole in seen)
    assert {count for count, _ in seen} == {SIX_ROWS}


def _crash(settings: Settings, point: str, path: Path, own_partition_rows: int) -> None:
    crash(settings, point, path, LEDGERSTORE_HOT_OWN_PARTITION_ROWS=str(own_partition_rows))


@pytest.mark.parametrize("point", ["during_copy", "before_commit"])
@pytest.mark.parametrize(("old_large", "new_large"), [(True, False), (False, True), (True, True)])
def test_a_crash_in_either_kind_of_switch_leaves_the_old_ledger_whole(
    store: LedgerStore,
    settings: Settings,
    ledger_fixture: Path,
    point: str,
    old_large: bool,
    new_large: bool,
) -> None:
    first = _large(store, settings) if old_large else store
    old = first.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025).ledger
    rows = SIX_ROWS if new_large else SIX_ROWS + 1
    _crash(settings, point, ledger_fixture / "acme-2025-v2.csv", rows)
    assert store.active("ACME", 2025).id == old.id  # type: ignore[union-attr]
    old_slot = old.id if old_large else shared_slot(old.id)
    assert _hot_rows(store) == [(old.id, old_slot, SIX_ROWS)]
    with store.engine.connect() as connection:  # no table of the crashed attempt is left behind
        leftovers = connection.execute(
            sa.text("SELECT count(*) FROM pg_class WHERE relname LIKE 'hot_stage%' AND relkind = 'r'")
        ).scalar_one()
    assert leftovers == 0
    rerun = _large(store, settings) if new_large else store
    new = rerun.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025).ledger
    assert new.status == "active"
    new_slot = new.id if new_large else shared_slot(new.id)
    assert _hot_rows(store) == [(new.id, new_slot, SIX_ROWS)]
    with store.records(old.id) as records:
        assert records.tier == "cold"


def _retired(store: LedgerStore) -> list[str]:
    query = "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE 'hot\\_retired\\_%'"
    with store.engine.connect() as connection:
        return sorted(connection.execute(sa.text(query)).scalars())


@pytest.mark.parametrize("new_large", [True, False], ids=["large-replaces-large", "small-replaces-large"])
def test_a_crash_after_the_switch_commits_leaves_a_retired_partition_that_a_rerun_drops(
    store: LedgerStore, settings: Settings, ledger_fixture: Path, new_large: bool
) -> None:
    """The partition of the large ledger a switch replaced is dropped after the switch's commit:
    a crash in between leaves the switch done (the old rows already out of `hot_records`) and a
    retired table that the rerun drops."""
    large = _large(store, settings)
    old = large.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025)
    rows = SIX_ROWS if new_large else SIX_ROWS + 1
    _crash(settings, "after_switch", ledger_fixture / "acme-2025-v2.csv", rows)
    new = store.active("ACME", 2025)
    assert new is not None and new.id != old.ledger.id
    new_slot = new.id if new_large else shared_slot(new.id)
    assert _hot_rows(store) == [(new.id, new_slot, SIX_ROWS)]
    [retired] = _retired(store)
    assert retired.startswith(f"hot_retired_{old.ledger.id}_")
    with store.records(old.ledger.id) as records:
        assert records.tier == "cold"
        assert len(records.to_list()) == SIX_ROWS

    rerun = large if new_large else store
    again = rerun.ingest(ledger_fixture / "acme-2025-v2.csv", account="ACME", fiscal_year=2025).ledger
    assert (again.id, again.status) == (new.id, "active")
    assert _retired(store) == []
    assert _hot_rows(store) == [(new.id, new_slot, SIX_ROWS)]


def test_a_retired_partition_a_crash_left_is_dropped_by_the_next_switch_that_retires_one(
    store: LedgerStore, settings: Settings, ledger_fixture: Path
) -> None:
    large = _large(store, settings)
    large.ingest(ledger_fixture / "acme-2025-v1.csv", account="ACME", fiscal_year=2025)
    _crash(settings, "after_switch", ledger_fixture / "acme-2025-v2.csv", SIX_ROWS)
    assert len(_retired(store)) == 1
    large.ingest(ledger_fixture / "acme-2025-v1.csv", account="OTHER", fiscal_year=2025)
    assert len(_retired(store)) == 1  # a switch that retires nothing leaves it
    large.ingest(ledger_fixture / "acme-2025-v2.csv", account="OTHER", fiscal_year=2025)
    assert _retired(store) == []


_OLD_ROWS = (
    "INSERT INTO {table} SELECT {id}, n, DATE '2025-01-01', '4000', 'Sales', '', 'R' || n, 'J', 1.50, 0,"
    " 'EUR', '{{}}'::jsonb FROM generate_series(1, {rows}) AS n"
)


def test_migration_0005_moves_per_ledger_partitions_into_slots_and_back(empty_database_url: URL) -> None:
    engine = create_engine(empty_database_url)
    try:
        upgrade(engine, "0004")
        with engine.begin() as connection:
            for ledger_file_id, rows in ((3, 5), (67, 7), (4, 20_000)):  # 3 and 67 share slot -4
                table = f"hot_records_{ledger_file_id}"
                connection.exec_driver_sql(
                    f"CREATE TABLE {table} PARTITION OF hot_records FOR VALUES IN ({ledger_file_id})"
                )
                connection.exec_driver_sql(_OLD_ROWS.format(table=table, id=ledger_file_id, rows=rows))
        upgrade(engine)
        counts = "SELECT ledger_file_id, slot, count(*), sum(debit) FROM hot_records GROUP BY 1, 2 ORDER BY 1"
        expected = [(3, shared_slot(3), 5), (4, 4, 20_000), (67, shared_slot(67), 7)]
        with engine.connect() as connection:
            found = [(i, s, n) for i, s, n, _ in connection.execute(sa.text(counts)).all()]
            partitions = (
                connection.execute(
                    sa.text(
                        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                        " WHERE i.inhparent = 'hot_records'::regclass ORDER BY 1"
                    )
                )
                .scalars()
                .all()
            )
        assert shared_slot(3) == shared_slot(67)
        assert found == expected
        assert partitions == ["hot_records_4", shared_slot_name(shared_slot(3))]
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0004")
        with engine.connect() as connection:
            back = connection.execute(
                sa.text("SELECT ledger_file_id, count(*) FROM hot_records GROUP BY 1 ORDER BY 1")
            ).all()
            tables = connection.execute(
                sa.text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                    " WHERE i.inhparent = 'hot_records'::regclass ORDER BY 1"
                )
            ).scalars()
            assert sorted(tables) == ["hot_records_3", "hot_records_4", "hot_records_67"]
        assert [tuple(row) for row in back] == [(3, 5), (4, 20_000), (67, 7)]
        upgrade(engine)
        with engine.connect() as connection:
            again = [(i, s, n) for i, s, n, _ in connection.execute(sa.text(counts)).all()]
        assert again == expected
    finally:
        engine.dispose()
