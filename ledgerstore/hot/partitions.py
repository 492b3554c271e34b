"""Hot rows: one PostgreSQL partition of `hot_records` per active ledger file.

Loading stages the partition as a standalone table (COPY, `ledgerstore.hot.copy`, then its
primary key) without touching the parent, then attaches it under one global advisory lock:
concurrent switches queue for the short DDL tail instead of deadlocking on the parent table's
locks. Removing a ledger's hot rows drops its partition: constant time, no dead tuples, so the
hot table never grows with history.
Every function takes a SQLAlchemy `Connection` inside the caller's transaction; driver errors
are translated at `wrap_exceptions`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson
import psycopg
from psycopg import sql
from psycopg.types.json import set_json_loads
from sqlalchemy.engine import Connection

from ledgerstore.db.schema import hot_partition_name
from ledgerstore.errors import PartitionGoneError, wrap_exceptions
from ledgerstore.hot.copy import COLUMNS, TYPES, copy_records
from ledgerstore.summary import RecordSummary
from normalizer.record import Record, trusted_record


def _driver(connection: Connection) -> psycopg.Connection[Any]:
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    return driver


@wrap_exceptions("looking for a hot partition")
def partition_exists(connection: Connection, ledger_file_id: int) -> bool:
    """True when a table for the ledger's hot rows exists (attached or still being staged)."""
    name = hot_partition_name(ledger_file_id)
    found = _driver(connection).execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
    return bool(found and found[0])


#: Held (transaction-scoped) around every DDL statement that locks the parent table (ATTACH,
#: DROP of a partition). Taking it before any parent lock makes concurrent switches queue instead
#: of deadlocking on the parent's lock upgrades.
HOT_DDL_LOCK_KEY = int.from_bytes(b"LEDGHOTD", "big") - 2**63

_PARENTCOLUMNS = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
FROM pg_attribute a
WHERE a.attrelid = 'hot_records'::regclass AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""
_PARENT_CHECKS = """
SELECT conname, pg_get_constraintdef(oid)
FROM pg_constraint
WHERE conrelid = 'hot_records'::regclass AND contype = 'c'
ORDER BY conname
"""


def _staging_ddl(driver: psycopg.Connection[Any], table: sql.Identifier) -> sql.Composed:
    """CREATE TABLE for a partition-to-be, from the parent's catalog entry.

    `CREATE TABLE ... (LIKE hot_records)` would hold a lock on the parent until commit, which
    deadlocks against another switch's ATTACH/DROP; reading the catalog takes no lock. ATTACH
    needs the same columns, NOT NULLs and CHECK constraints (by name), which this reproduces.
    """
    parts = [
        sql.SQL("{} {}{}").format(
            sql.Identifier(name), sql.SQL(type_name), sql.SQL(" NOT NULL" if not_null else "")
        )
        for name, type_name, not_null in driver.execute(_PARENTCOLUMNS).fetchall()
    ]
    parts += [
        sql.SQL("CONSTRAINT {} {}").format(sql.Identifier(name), sql.SQL(definition))
        for name, definition in driver.execute(_PARENT_CHECKS).fetchall()
    ]
    # Hot rows are written once and never updated: autovacuum has nothing to reclaim there, and a
    # running one makes the switch's DROP of a retired partition wait (up to deadlock_timeout).
    return sql.SQL("CREATE TABLE {} ({}) WITH (autovacuum_enabled = false)").format(
        table, sql.SQL(", ").join(parts)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class StagedPartition:
    """A filled table not yet attached to `hot_records`, and the summary of its rows."""

    ledger_file_id: int
    table: str
    summary: RecordSummary


@wrap_exceptions("loading hot rows")
def stage_partition(
    connection: Connection, ledger_file_id: int, records: Iterable[Record]
) -> StagedPartition:
    """Create and fill a partition-to-be under a name of its own; nothing here locks the parent.

    Rows go in with binary COPY (columnar records: text COPY built column by column); the primary
    key is built once, afterwards. The table's name is unique to this attempt, so a retry racing
    a finished attempt can never touch live rows.
    """
    table_name = f"hot_stage_{ledger_file_id}_{uuid.uuid4().hex[:12]}"
    table = sql.Identifier(table_name)
    driver = _driver(connection)
    driver.execute(_staging_ddl(driver, table))
    summary = copy_records(driver, table, ledger_file_id, records)
    # The CHECK lets ATTACH skip scanning the rows for the partition bound.
    bound = sql.Identifier(f"{table_name}_bound")
    pkey = sql.Identifier(f"{table_name}_pkey")
    value = sql.Literal(ledger_file_id)
    driver.execute(
        sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} CHECK (ledger_file_id = {})").format(table, bound, value)
    )
    driver.execute(
        sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY (ledger_file_id, row_number)").format(
            table, pkey
        )
    )
    return StagedPartition(ledger_file_id=ledger_file_id, table=table_name, summary=summary)


_TOTALS = "SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0) FROM {}"
_SIZE = (
    "SELECT count(*), coalesce(sum(pg_total_relation_size(inhrelid)), 0)"
    " FROM pg_inherits WHERE inhparent = 'hot_records'::regclass"
)


@wrap_exceptions("summing hot rows")
def partition_totals(connection: Connection, ledger_file_id: int) -> tuple[int, Decimal, Decimal]:
    """Row count and debit/credit totals of a ledger's partition (one aggregate query)."""
    query = sql.SQL(_TOTALS).format(sql.Identifier(hot_partition_name(ledger_file_id)))
    row = _driver(connection).execute(query).fetchone()
    assert row is not None
    return int(row[0]), Decimal(row[1]), Decimal(row[2])


@wrap_exceptions("measuring the hot table")
def hot_size(connection: Connection) -> tuple[int, int]:
    """How many partitions the hot table has, and their total size in bytes."""
    row = _driver(connection).execute(_SIZE).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


@wrap_exceptions("locking the hot table")
def lock_hot_ddl(connection: Connection) -> None:
    """Take the transaction-scoped lock that serialises ATTACH/DROP on the parent table."""
    _driver(connection).execute("SELECT pg_advisory_xact_lock(%s)", (HOT_DDL_LOCK_KEY,))


@wrap_exceptions("attaching a hot partition")
def attach_partition(connection: Connection, staged: StagedPartition) -> None:
    """Make a staged table the ledger's partition (call `lock_hot_ddl` first in the transaction).

    A partition the ledger already has (a previous load) is replaced.
    """
    name = hot_partition_name(staged.ledger_file_id)
    driver = _driver(connection)
    driver.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(name)))
    staging = sql.Identifier(staged.table)
    driver.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(staging, sql.Identifier(name)))
    table = sql.Identifier(name)
    value = sql.Literal(staged.ledger_file_id)
    driver.execute(
        sql.SQL("ALTER TABLE hot_records ATTACH PARTITION {} FOR VALUES IN ({})").format(table, value)
    )
    driver.execute(
        sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(table, sql.Identifier(f"{staged.table}_bound"))
    )


@wrap_exceptions("discarding staged hot rows")
def discard_staged(connection: Connection, staged: StagedPartition) -> None:
    """Drop a staged table that will not be attached (it was never part of the parent)."""
    _driver(connection).execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(staged.table)))


@wrap_exceptions("loading hot rows")
def load_partition(connection: Connection, ledger_file_id: int, records: Iterable[Record]) -> RecordSummary:
    """Stage and attach in one go, replacing any partition the ledger had."""
    staged = stage_partition(connection, ledger_file_id, records)
    lock_hot_ddl(connection)
    attach_partition(connection, staged)
    return staged.summary


@wrap_exceptions("dropping a hot partition")
def drop_partition(connection: Connection, ledger_file_id: int) -> None:
    """Remove the ledger's hot rows (drops its partition; a no-op when it has none).

    Dropping an attached partition locks the parent: call `lock_hot_ddl` first in the transaction.
    """
    table = sql.Identifier(hot_partition_name(ledger_file_id))
    _driver(connection).execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))


def stream_partition(connection: Connection, ledger_file_id: int) -> Iterator[Record]:
    """The ledger's hot rows as records, in row order, streamed with COPY (bounded memory).

    Raises `PartitionGoneError` if the partition does not exist (it was superseded meanwhile).
    Once streaming has begun, the partition is locked against being dropped until the caller's
    transaction ends, so a reader never sees part of one ledger and part of another.
    """
    table = sql.Identifier(hot_partition_name(ledger_file_id))
    driver = _driver(connection)
    set_json_loads(orjson.loads, driver)
    query = sql.SQL("COPY (SELECT {} FROM {} ORDER BY row_number) TO STDOUT (FORMAT BINARY)").format(
        COLUMNS, table
    )
    try:
        with driver.cursor() as cursor, cursor.copy(query) as copy:
            copy.set_types(list(TYPES))
            # Hot rows were written from canonical records (numeric keeps their scale): no re-checks.
            for row in copy.rows():
                yield trusted_record(*row)
    except psycopg.errors.UndefinedTable as exc:
        raise PartitionGoneError(f"ledger file {ledger_file_id} has no hot rows") from exc
