"""What a batch of ledgers' hot rows hold: count, totals and (deep) records sha256, per ledger.

For `verify`: a few statements per batch whatever its size — one catalog lookup, one aggregate
(or one COPY, deep) per shared slot the batch touches, and one per own partition — so checking
every active ledger costs a bounded number of statements and locks per transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from psycopg import sql
from sqlalchemy.engine import Connection

from ledgerstore.db.schema import hot_partition_name, shared_slot, shared_slot_name
from ledgerstore.errors import wrap_exceptions
from ledgerstore.hot.copy import COLUMNS
from ledgerstore.hot.partitions import raw_driver, stream_partition, stream_query
from ledgerstore.summary import SummaryBuilder
from normalizer.record import Record


@dataclass(frozen=True, slots=True, kw_only=True)
class HotRows:
    """A ledger's hot rows as found: where they are, and what they add up to."""

    table: str
    exists: bool
    count: int = 0
    debit_total: Decimal = Decimal(0)
    credit_total: Decimal = Decimal(0)
    #: Computed from the rows only when inspecting deeply.
    records_sha256: str | None = None


@wrap_exceptions("inspecting hot rows")
def inspect_hot(connection: Connection, ledger_file_ids: Sequence[int], *, deep: bool) -> dict[int, HotRows]:
    """The hot rows of each ledger, read in the caller's transaction (one snapshot if it is
    REPEATABLE READ). A ledger whose table is missing is reported with `exists=False`."""
    own_names = {hot_partition_name(i): i for i in ledger_file_ids}
    own = _existing(connection, own_names)
    found: dict[int, HotRows] = {}
    shared: dict[int, list[int]] = defaultdict(list)
    for name, ledger_file_id in own_names.items():
        if name in own:
            found[ledger_file_id] = _own_rows(connection, ledger_file_id, deep=deep)
        else:
            shared[shared_slot(ledger_file_id)].append(ledger_file_id)
    slots = _existing(connection, [shared_slot_name(slot) for slot in shared])
    for slot, members in shared.items():
        table = shared_slot_name(slot)
        if table not in slots:
            found.update((i, HotRows(table=table, exists=False)) for i in members)
            continue
        rows = (
            _slot_rows_deep(connection, table, members) if deep else _slot_totals(connection, table, members)
        )
        found.update((i, rows.get(i) or _no_rows(table, deep=deep)) for i in members)
    return found


def _no_rows(table: str, *, deep: bool) -> HotRows:
    """An existing table holding none of the ledger's rows."""
    empty = SummaryBuilder().summary().records_sha256 if deep else None
    return HotRows(table=table, exists=True, records_sha256=empty)


def _existing(connection: Connection, names: Iterable[str]) -> set[str]:
    query = "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relkind IN ('r', 'p')"
    return {row[0] for row in raw_driver(connection).execute(query, (list(names),)).fetchall()}


def _own_rows(connection: Connection, ledger_file_id: int, *, deep: bool) -> HotRows:
    table = hot_partition_name(ledger_file_id)
    if deep:
        rows = _from_records(table, stream_partition(connection, ledger_file_id))
        return rows.get(ledger_file_id) or _no_rows(table, deep=True)
    query = sql.SQL("SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0) FROM {}")
    row = raw_driver(connection).execute(query.format(sql.Identifier(table))).fetchone()
    assert row is not None
    return HotRows(table=table, exists=True, count=int(row[0]), debit_total=row[1], credit_total=row[2])


def _members(ledger_file_ids: Sequence[int]) -> sql.Composed:
    values = sql.SQL(", ").join(sql.Literal(i) for i in ledger_file_ids)
    return sql.SQL("ledger_file_id = ANY(ARRAY[{}]::bigint[])").format(values)


def _slot_totals(connection: Connection, table: str, ledger_file_ids: Sequence[int]) -> dict[int, HotRows]:
    query = sql.SQL(
        "SELECT ledger_file_id, count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0)"
        " FROM {} WHERE {} GROUP BY ledger_file_id"
    ).format(sql.Identifier(table), _members(ledger_file_ids))
    return {
        int(i): HotRows(table=table, exists=True, count=int(n), debit_total=debit, credit_total=credit)
        for i, n, debit, credit in raw_driver(connection).execute(query).fetchall()
    }


def _slot_rows_deep(connection: Connection, table: str, ledger_file_ids: Sequence[int]) -> dict[int, HotRows]:
    query = sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY ledger_file_id, row_number").format(
        COLUMNS, sql.Identifier(table), _members(ledger_file_ids)
    )
    return _from_records(table, stream_query(connection, ledger_file_ids[0], query))


def _from_records(table: str, records: Iterator[Record]) -> dict[int, HotRows]:
    builders: dict[int, SummaryBuilder] = defaultdict(SummaryBuilder)
    for record in records:
        assert record.ledger_file_id is not None  # hot rows always have their ledger
        builders[record.ledger_file_id].add(record)
    found = {}
    for ledger_file_id, builder in builders.items():
        summary = builder.summary()
        found[ledger_file_id] = HotRows(
            table=table,
            exists=True,
            count=summary.count,
            debit_total=summary.debit_total,
            credit_total=summary.credit_total,
            records_sha256=summary.records_sha256,
        )
    return found
