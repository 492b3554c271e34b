"""Hot rows: one PostgreSQL partition of `hot_records` per active ledger file.

Loading builds the partition as a standalone table (COPY in binary, then its primary key), then
attaches it: the parent table is locked only for the attach itself. Removing a ledger's hot rows
drops its partition: constant time, no dead tuples, so the hot table never grows with history.
Every function takes a SQLAlchemy `Connection` inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import orjson
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb, set_json_loads
from sqlalchemy.engine import Connection

from ledgerstore.db.schema import hot_partition_name
from ledgerstore.summary import RecordSummary, SummaryBuilder
from normalizer.record import RECORD_FIELDS, Record

_COLUMNS = sql.SQL(", ").join(sql.Identifier(name) for name in RECORD_FIELDS)
_TYPES = (
    "bigint",
    "integer",
    "date",
    "text",
    "text",
    "text",
    "text",
    "text",
    "numeric",
    "numeric",
    "text",
    "jsonb",
)


class PartitionGoneError(LookupError):
    """The partition was dropped (its ledger was superseded) before it could be read."""


def _driver(connection: Connection) -> psycopg.Connection[Any]:
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    return driver


def partition_exists(connection: Connection, ledger_file_id: int) -> bool:
    """True when a table for the ledger's hot rows exists (attached or still being staged)."""
    name = hot_partition_name(ledger_file_id)
    found = _driver(connection).execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
    return bool(found and found[0])


def load_partition(connection: Connection, ledger_file_id: int, records: Iterable[Record]) -> RecordSummary:
    """Create and fill the ledger's partition, attach it, and return the summary of what was loaded.

    Any earlier partition of the same ledger (from a crashed attempt that committed nothing, or a
    retry) is replaced, so a retry never duplicates rows.
    """
    table = sql.Identifier(hot_partition_name(ledger_file_id))
    driver = _driver(connection)
    driver.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
    driver.execute(
        sql.SQL("CREATE TABLE {} (LIKE hot_records INCLUDING DEFAULTS INCLUDING CONSTRAINTS)").format(table)
    )
    builder = SummaryBuilder()
    copy_in = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(table, _COLUMNS)
    with driver.cursor() as cursor, cursor.copy(copy_in) as copy:
        copy.set_types(list(_TYPES))
        for record in records:
            owned = (
                record
                if record.ledger_file_id == ledger_file_id
                else record.with_ledger_file_id(ledger_file_id)
            )
            builder.add(owned)
            copy.write_row(_row(owned))
    # The CHECK lets ATTACH skip scanning the rows; the primary key is built once, after COPY.
    bound = sql.Identifier(f"{hot_partition_name(ledger_file_id)}_bound")
    pkey = sql.Identifier(f"{hot_partition_name(ledger_file_id)}_pkey")
    value = sql.Literal(ledger_file_id)
    driver.execute(
        sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} CHECK (ledger_file_id = {})").format(table, bound, value)
    )
    driver.execute(
        sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY (ledger_file_id, row_number)").format(
            table, pkey
        )
    )
    driver.execute(
        sql.SQL("ALTER TABLE hot_records ATTACH PARTITION {} FOR VALUES IN ({})").format(table, value)
    )
    driver.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(table, bound))
    return builder.summary()


def _row(record: Record) -> tuple[Any, ...]:
    return (
        record.ledger_file_id,
        record.row_number,
        record.posted_on,
        record.account,
        record.account_name,
        record.description,
        record.reference,
        record.journal,
        record.debit,
        record.credit,
        record.currency,
        Jsonb(dict(record.attributes)),
    )


def drop_partition(connection: Connection, ledger_file_id: int) -> None:
    """Remove the ledger's hot rows (drops its partition; a no-op when it has none)."""
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
        _COLUMNS, table
    )
    try:
        with driver.cursor() as cursor, cursor.copy(query) as copy:
            copy.set_types(list(_TYPES))
            for row in copy.rows():
                yield _record(row)
    except psycopg.errors.UndefinedTable as exc:
        raise PartitionGoneError(f"ledger file {ledger_file_id} has no hot rows") from exc


def _record(row: tuple[Any, ...]) -> Record:
    debit: Decimal = row[8]
    credit: Decimal = row[9]
    return Record(
        ledger_file_id=row[0],
        row_number=row[1],
        posted_on=row[2],
        account=row[3],
        account_name=row[4],
        description=row[5],
        reference=row[6],
        journal=row[7],
        debit=debit,
        credit=credit,
        currency=row[10],
        attributes=row[11],
    )
