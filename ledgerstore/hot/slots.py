"""Hot rows of small ledgers in shared slots, and where any ledger's hot rows are.

`hot_records` has a bounded number of partitions: `SHARED_SLOTS` shared slots, each holding the
rows of many small ledgers, plus one partition of its own per large active ledger (at least
`OWN_PARTITION_ROWS` rows, `ledgerstore.hot.partitions`). Where a ledger's rows are needs no
record: an active ledger has its own partition (`hot_records_<id>` exists) or its rows are in
`shared_slot(id)`.

Switching a small ledger is plain DML inside the switch's transaction — COPY into its slot,
DELETE the previous ledger's rows from theirs — with no DDL and no global lock, so switches of
different ledgers run side by side. The deleted rows leave dead tuples, reclaimed by autovacuum
(on for shared slots), so a slot stays at the size of the small ledgers it holds. A read is one
statement, so one snapshot: it sees a ledger's rows whole or not at all.
A slot's partition is created the first time a ledger needs it, under the DDL lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from psycopg import sql
from sqlalchemy.engine import Connection

from ledgerstore.db.schema import hot_partition_name, shared_slot, shared_slot_name
from ledgerstore.errors import PartitionGoneError, wrap_exceptions
from ledgerstore.hot.copy import COLUMNS, copy_records
from ledgerstore.hot.partitions import (
    own_partition_exists,
    raw_driver,
    stream_query,
    table_exists,
)
from ledgerstore.summary import RecordSummary
from normalizer.record import Record

#: A ledger with at least this many records gets a partition of its own: replacing it is then a
#: DROP (constant time, no dead tuples) rather than a DELETE of its rows. The default of
#: `Settings.hot_own_partition_rows`; below it a ledger's DELETE is small and its switch DDL-free.
OWN_PARTITION_ROWS = 20_000


@wrap_exceptions("looking for a shared hot slot")
def slot_exists(connection: Connection, slot: int) -> bool:
    """True when the shared slot's partition has been created."""
    return table_exists(connection, shared_slot_name(slot))


@wrap_exceptions("creating a shared hot slot")
def create_slot(connection: Connection, slot: int) -> None:
    """Create the shared slot's partition unless it exists (call `lock_hot_ddl` first).

    Its `slot` column defaults to the slot, so rows are copied into the partition directly and
    the parent table is never locked by a small ledger's switch.
    """
    table = sql.Identifier(shared_slot_name(slot))
    driver = raw_driver(connection)
    driver.execute(
        sql.SQL("CREATE TABLE IF NOT EXISTS {} PARTITION OF hot_records FOR VALUES IN ({})").format(
            table, sql.Literal(slot)
        )
    )
    driver.execute(
        sql.SQL("ALTER TABLE {} ALTER COLUMN slot SET DEFAULT {}").format(table, sql.Literal(slot))
    )


@wrap_exceptions("loading hot rows")
def copy_into_slot(connection: Connection, ledger_file_id: int, records: Iterable[Record]) -> RecordSummary:
    """COPY a small ledger's records into its shared slot (which must exist); their summary."""
    table = sql.Identifier(shared_slot_name(shared_slot(ledger_file_id)))
    return copy_records(raw_driver(connection), table, ledger_file_id, records)


def _rows_query(connection: Connection, ledger_file_id: int, columns: sql.Composable) -> sql.Composed | None:
    """SELECT `columns` of the ledger's hot rows from wherever they are, reading the partition
    directly (no lock on the parent); None when neither its own partition nor its slot exists."""
    if own_partition_exists(connection, ledger_file_id):
        own = sql.Identifier(hot_partition_name(ledger_file_id))
        return sql.SQL("SELECT {} FROM {}").format(columns, own)
    slot = shared_slot(ledger_file_id)
    if not slot_exists(connection, slot):
        return None
    return sql.SQL("SELECT {} FROM {} WHERE ledger_file_id = {}").format(
        columns, sql.Identifier(shared_slot_name(slot)), sql.Literal(ledger_file_id)
    )


def stream_hot(connection: Connection, ledger_file_id: int, *, expected: int) -> Iterator[Record]:
    """The ledger's hot rows as records, in row order, in one statement (one snapshot).

    `expected` is the ledger's recorded record count: finding no rows where some are expected
    means the ledger was superseded meanwhile, and raises `PartitionGoneError` (as a dropped own
    partition does) before any record, so the caller falls through to the artifact.
    """
    rows = _rows_query(connection, ledger_file_id, COLUMNS)
    if rows is None:
        if expected:
            raise PartitionGoneError(f"ledger file {ledger_file_id} has no hot rows")
        return iter(())
    query = sql.SQL("{} ORDER BY row_number").format(rows)
    return _checked(ledger_file_id, stream_query(connection, ledger_file_id, query), expected)


def _checked(ledger_file_id: int, records: Iterator[Record], expected: int) -> Iterator[Record]:
    first = next(records, None)
    if first is None:
        if expected:
            raise PartitionGoneError(f"ledger file {ledger_file_id} has no hot rows")
        return
    yield first
    yield from records


@wrap_exceptions("removing hot rows")
def delete_from_slot(connection: Connection, ledger_file_id: int, *, slot_known: bool | None = None) -> None:
    """Delete a small ledger's rows from its shared slot (a no-op if the slot does not exist).

    `slot_known`: whether the slot exists, when the caller has just looked (saves a round trip).
    """
    slot = shared_slot(ledger_file_id)
    if slot_exists(connection, slot) if slot_known is None else slot_known:
        table = sql.Identifier(shared_slot_name(slot))
        delete = sql.SQL("DELETE FROM {} WHERE ledger_file_id = %s").format(table)
        raw_driver(connection).execute(delete, (ledger_file_id,))
