"""Compare two ledger files: per-account totals in each, and the records added and removed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from decimal import Decimal

import orjson

from normalizer.record import RECORD_FIELDS, Record
from reporting.money import ZERO, exact
from reporting.provenance import Intake, Provenance, Source
from reporting.selection import AccountFilter, AccountsArg, DateArg, DateRange, account_filter, account_key
from reporting.table import Column, Row, Section, Table

NAME = "compare"

ACCOUNT_COLUMNS = (
    Column("account", "text"),
    Column("account_name", "text"),
    Column("currency", "text"),
    Column("old_debit", "amount"),
    Column("old_credit", "amount"),
    Column("old_net", "amount"),
    Column("new_debit", "amount"),
    Column("new_credit", "amount"),
    Column("new_net", "amount"),
    Column("difference", "amount"),
)
RECORD_COLUMNS = (
    Column("row_number", "int"),
    Column("posted_on", "date"),
    Column("account", "text"),
    Column("account_name", "text"),
    Column("journal", "text"),
    Column("reference", "text"),
    Column("description", "text"),
    Column("debit", "amount"),
    Column("credit", "amount"),
    Column("currency", "text"),
    Column("attributes", "text"),
)
SUMMARY_COLUMNS = tuple(
    Column(name, "int") for name in ("old_records", "new_records", "matched", "added", "removed")
)

_Key = tuple[str, str]
#: Every record field but where it came from (its row) and which upload it belongs to.
_KEY_FIELDS = tuple(name for name in RECORD_FIELDS if name not in ("ledger_file_id", "row_number"))


def record_key(record: Record) -> tuple[Hashable, ...]:
    """The canonical identity of a record across uploads: every field but row and ledger id
    (the fields of `normalizer.record.RECORD_SCHEMA`, attributes as sorted pairs)."""
    return tuple(
        tuple(sorted(record.attributes.items())) if name == "attributes" else getattr(record, name)
        for name in _KEY_FIELDS
    )


def compare(
    old: Iterable[Record],
    new: Iterable[Record],
    *,
    date_from: DateArg = None,
    date_to: DateArg = None,
    accounts: AccountsArg = None,
    old_source: Source | None = None,
    new_source: Source | None = None,
) -> Table:
    """Per account and currency: debits, credits and net in `old` and `new`, and the change in net.

    Records are matched by `record_key` (a duplicate line matches once per copy, earliest rows
    first); `added` lists the `new` records left unmatched, `removed` the `old` ones, in row
    order; `summary` counts them. Filters apply to both sides. Holds the `old` records in range.
    """
    dates = DateRange.of(date_from, date_to)
    keep = account_filter(accounts)
    old_intake, new_intake = Intake(old, old_source), Intake(new, new_source)
    totals = _AccountTotals()
    index: dict[tuple[Hashable, ...], list[Record]] = {}
    matched: dict[tuple[Hashable, ...], int] = {}
    added: list[Record] = []

    def take_old(record: Record) -> None:
        totals.add(record, 0)
        index.setdefault(record_key(record), []).append(record)

    def take_new(record: Record) -> None:
        totals.add(record, 2)
        key = record_key(record)
        taken = matched.get(key, 0)
        if taken < len(index.get(key, ())):
            matched[key] = taken + 1
        else:
            added.append(record)

    with exact():
        old_count, old_kept = _read(old_intake.records, dates, keep, take_old)
        new_count, new_kept = _read(new_intake.records, dates, keep, take_new)
        account_rows = totals.rows()
    removed = sorted(
        (record for key, bucket in index.items() for record in bucket[matched.get(key, 0) :]),
        key=lambda record: record.row_number,
    )
    summary: Row = (old_kept, new_kept, new_kept - len(added), len(added), len(removed))
    provenance = Provenance(
        report=NAME,
        parameters=(*dates.parameters(), *([("accounts", str(keep))] if keep else [])),
        sources=(("old", old_intake.finish(old_count)), ("new", new_intake.finish(new_count))),
    )
    return Table(
        sections=(
            Section(title="accounts", columns=ACCOUNT_COLUMNS, rows=account_rows),
            Section(title="added", columns=RECORD_COLUMNS, rows=tuple(map(_record_row, added))),
            Section(title="removed", columns=RECORD_COLUMNS, rows=tuple(map(_record_row, removed))),
            Section(title="summary", columns=SUMMARY_COLUMNS, rows=(summary,)),
        ),
        provenance=provenance,
    )


def _read(
    records: Iterable[Record],
    dates: DateRange,
    keep: AccountFilter | None,
    on_record: Callable[[Record], None],
) -> tuple[int, int]:
    """Hand each record inside the filters to `on_record`; count all records and those kept."""
    count = kept = 0
    for count, record in enumerate(records, 1):  # noqa: B007
        if dates.bounded and record.posted_on not in dates:
            continue
        if keep is not None and not keep(record.account):
            continue
        kept += 1
        on_record(record)
    return count, kept


class _AccountTotals:
    """Per (account, currency): [old debit, old credit, new debit, new credit], and a name."""

    def __init__(self) -> None:
        self.sums: dict[_Key, list[Decimal]] = {}
        self.names: dict[_Key, str] = {}

    def add(self, record: Record, offset: int) -> None:
        key = (record.account, record.currency)
        sums = self.sums.setdefault(key, [ZERO, ZERO, ZERO, ZERO])
        sums[offset] += record.debit
        sums[offset + 1] += record.credit
        if not self.names.get(key):
            self.names[key] = record.account_name

    def rows(self) -> tuple[Row, ...]:
        return _account_rows(self.sums, self.names)


def _account_rows(totals: dict[_Key, list[Decimal]], names: dict[_Key, str]) -> tuple[Row, ...]:
    rows: list[Row] = []
    for key in sorted(totals, key=lambda key: (account_key(key[0]), key[1])):
        old_debit, old_credit, new_debit, new_credit = totals[key]
        old_net, new_net = old_debit - old_credit, new_debit - new_credit
        account, currency = key
        rows.append(
            (
                account,
                names[key],
                currency,
                old_debit,
                old_credit,
                old_net,
                new_debit,
                new_credit,
                new_net,
                new_net - old_net,
            )
        )
    return tuple(rows)


def _record_row(record: Record) -> Row:
    posted_on: dt.date | None = record.posted_on
    attributes = orjson.dumps(dict(record.attributes), option=orjson.OPT_SORT_KEYS).decode()
    return (
        record.row_number,
        posted_on,
        record.account,
        record.account_name,
        record.journal,
        record.reference,
        record.description,
        record.debit,
        record.credit,
        record.currency,
        attributes if record.attributes else "",
    )
