"""Hot rows of a large ledger: a PostgreSQL partition of `hot_records` of its own (slot = its id).

Small ledgers share slots instead (`ledgerstore.hot.slots`). Loading stages the partition as a
standalone table (COPY, `ledgerstore.hot.copy`, then its primary key) without touching the
parent, then attaches it under one advisory lock that only these DDL tails take: they queue
instead of deadlocking on the parent table's locks. Removing a large ledger's hot rows drops its
partition: constant time, no dead tuples, so the hot table never grows with history.
Every function takes a SQLAlchemy `Connection` inside the caller's transaction; driver errors
are translated at `wrap_exceptions`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import psycopg
from psycopg import sql
from psycopg.types.json import set_json_loads
from sqlalchemy.engine import Connection

from ledgerstore.db.schema import hot_partition_name, shared_slot, shared_slot_name
from ledgerstore.errors import PartitionGoneError, wrap_exceptions
from ledgerstore.hot.copy import COLUMNS, TYPES, copy_records
from ledgerstore.summary import RecordSummary
from normalizer.record import Record, trusted_record


def raw_driver(connection: Connection) -> psycopg.Connection[Any]:
    """The psycopg connection under a SQLAlchemy one (COPY and composed SQL need it)."""
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    return driver


@wrap_exceptions("looking for a hot partition")
def own_partition_exists(connection: Connection, ledger_file_id: int) -> bool:
    """True when the ledger has a partition of its own (`hot_records_<id>`)."""
    return table_exists(connection, hot_partition_name(ledger_file_id))


def table_exists(connection: Connection, name: str) -> bool:
    """True when a table of that name exists (a catalog lookup: no lock, latest state)."""
    found = raw_driver(connection).execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
    return bool(found and found[0])


@wrap_exceptions("looking for hot partitions")
def tables_exist(connection: Connection, *names: str) -> tuple[bool, ...]:
    """For each name, whether a table of that name exists: one catalog lookup, one round trip
    (a small switch asks for three)."""
    query = "SELECT to_regclass(n) IS NOT NULL FROM unnest(%s::text[]) WITH ORDINALITY AS t(n, i) ORDER BY i"
    return tuple(bool(row[0]) for row in raw_driver(connection).execute(query, (list(names),)).fetchall())


@wrap_exceptions("looking for hot rows")
def partition_exists(connection: Connection, ledger_file_id: int) -> bool:
    """True when the ledger has hot rows: a partition of its own (attached or still being staged)
    or rows in its shared slot."""
    if own_partition_exists(connection, ledger_file_id):
        return True
    name = shared_slot_name(shared_slot(ledger_file_id))
    if not table_exists(connection, name):
        return False
    query = sql.SQL("SELECT EXISTS (SELECT FROM {} WHERE ledger_file_id = %s)").format(sql.Identifier(name))
    found = raw_driver(connection).execute(query, (ledger_file_id,)).fetchone()
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


def _staging_ddl(
    driver: psycopg.Connection[Any], table: sql.Identifier, bound: sql.Identifier, slot: int
) -> sql.Composed:
    """CREATE TABLE for a partition-to-be, from the parent's catalog entry.

    `CREATE TABLE ... (LIKE hot_records)` would hold a lock on the parent until commit, which
    deadlocks against another switch's ATTACH/DROP; reading the catalog takes no lock. ATTACH
    needs the same columns, NOT NULLs and CHECK constraints (by name), which this reproduces.
    The partition key defaults to the partition's own slot, so COPY leaves it out. The `bound`
    CHECK (slot = the partition's value), declared with the table, lets ATTACH skip scanning the
    rows; added after the COPY it would scan them itself (0.1-0.5 s for 1M rows).
    """
    parts = [
        sql.SQL("{} {}{}{}").format(
            sql.Identifier(name),
            sql.SQL(type_name),
            sql.SQL(" NOT NULL" if not_null else ""),
            sql.SQL(" DEFAULT {}").format(sql.Literal(slot)) if name == "slot" else sql.SQL(""),
        )
        for name, type_name, not_null in driver.execute(_PARENTCOLUMNS).fetchall()
    ]
    parts += [
        sql.SQL("CONSTRAINT {} {}").format(sql.Identifier(name), sql.SQL(definition))
        for name, definition in driver.execute(_PARENT_CHECKS).fetchall()
    ]
    parts.append(sql.SQL("CONSTRAINT {} CHECK (slot = {})").format(bound, sql.Literal(slot)))
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
    driver = raw_driver(connection)
    bound = sql.Identifier(f"{table_name}_bound")
    driver.execute(_staging_ddl(driver, table, bound, ledger_file_id))
    summary = copy_records(driver, table, ledger_file_id, records)
    pkey = sql.Identifier(f"{table_name}_pkey")
    driver.execute(
        sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY (ledger_file_id, row_number, slot)").format(
            table, pkey
        )
    )
    return StagedPartition(ledger_file_id=ledger_file_id, table=table_name, summary=summary)


_SIZE = (
    "SELECT count(*), coalesce(sum(pg_total_relation_size(inhrelid)), 0)"
    " FROM pg_inherits WHERE inhparent = 'hot_records'::regclass"
)


@wrap_exceptions("measuring the hot table")
def hot_size(connection: Connection) -> tuple[int, int]:
    """How many partitions the hot table has (shared slots and own partitions: a bounded number),
    and their total size in bytes."""
    row = raw_driver(connection).execute(_SIZE).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


@wrap_exceptions("locking the hot table")
def lock_hot_ddl(connection: Connection) -> None:
    """Take the transaction-scoped lock that serialises ATTACH/DROP on the parent table."""
    raw_driver(connection).execute("SELECT pg_advisory_xact_lock(%s)", (HOT_DDL_LOCK_KEY,))


@wrap_exceptions("attaching a hot partition")
def attach_partition(connection: Connection, staged: StagedPartition) -> None:
    """Make a staged table the ledger's partition (call `lock_hot_ddl` first in the transaction).

    A partition the ledger already has (a previous load) is replaced.
    """
    name = hot_partition_name(staged.ledger_file_id)
    driver = raw_driver(connection)
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
    raw_driver(connection).execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(staged.table)))


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
    raw_driver(connection).execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))


#: Prefix of a retired partition: detached from `hot_records` and renamed by a switch, dropped
#: once that switch has committed (`drop_retired`). No reader ever looks for these names.
RETIRED_PREFIX = "hot_retired_"


@wrap_exceptions("retiring a hot partition")
def retire_partition(connection: Connection, ledger_file_id: int) -> None:
    """Take the ledger's own partition out of `hot_records` (call `lock_hot_ddl` first).

    Detached and renamed (to `hot_retired_<id>_<unique>`): its rows are gone for every reader
    from the commit on, as with a DROP, but the commit does not remove its files — freeing a
    1M-row table's blocks took ~110 ms on a discard-mounted ext4, inside the commit and under the
    parent's lock. `drop_retired` drops it after the commit.
    """
    name = sql.Identifier(hot_partition_name(ledger_file_id))
    retired = sql.Identifier(f"{RETIRED_PREFIX}{ledger_file_id}_{uuid.uuid4().hex[:12]}")
    raw_driver(connection).execute(
        sql.SQL("ALTER TABLE hot_records DETACH PARTITION {}; ALTER TABLE {} RENAME TO {}").format(
            name, name, retired
        )
    )


_RETIRED = sql.SQL(
    "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE {} ORDER BY relname"
).format(sql.Literal(RETIRED_PREFIX.replace("_", "\\_") + "%"))


@wrap_exceptions("dropping retired hot partitions")
def drop_retired(connection: Connection) -> list[str]:
    """Drop every retired partition a committed switch left (its own transaction, or a crash
    before it); the names dropped. Nothing reads them and they are not part of `hot_records`,
    so this waits on no reader and locks nothing but them."""
    driver = raw_driver(connection)
    names = [str(row[0]) for row in driver.execute(_RETIRED).fetchall()]
    if names:
        tables = sql.SQL(", ").join(sql.Identifier(name) for name in names)
        driver.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(tables))
    return names


def stream_partition(connection: Connection, ledger_file_id: int) -> Iterator[Record]:
    """The rows of the ledger's own partition as records, in row order, streamed with COPY.

    Raises `PartitionGoneError` if the partition does not exist (it was superseded meanwhile).
    Once streaming has begun, the partition is locked against being dropped until the caller's
    transaction ends, so a reader never sees part of one ledger and part of another.
    """
    query = sql.SQL("SELECT {} FROM {} ORDER BY row_number").format(
        COLUMNS, sql.Identifier(hot_partition_name(ledger_file_id))
    )
    return stream_query(connection, ledger_file_id, query)


def stream_query(connection: Connection, ledger_file_id: int, query: sql.Composable) -> Iterator[Record]:
    """The records a SELECT of `COLUMNS` yields, streamed with binary COPY (one statement, so one
    snapshot); `PartitionGoneError` when the table it reads does not exist."""
    driver = raw_driver(connection)
    set_json_loads(orjson.loads, driver)
    copy_out = sql.SQL("COPY ({}) TO STDOUT (FORMAT BINARY)").format(query)
    try:
        with driver.cursor() as cursor, cursor.copy(copy_out) as copy:
            copy.set_types(list(TYPES))
            # Hot rows were written from canonical records (numeric keeps their scale): no re-checks.
            for row in copy.rows():
                yield trusted_record(*row)
    except psycopg.errors.UndefinedTable as exc:
        raise PartitionGoneError(f"ledger file {ledger_file_id} has no hot rows") from exc
