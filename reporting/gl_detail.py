"""General-ledger detail: every line per account with a running balance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from normalizer.record import Record
from reporting.money import ZERO, exact
from reporting.provenance import Intake, Provenance, Source
from reporting.selection import AccountsArg, DateArg, DateRange, account_filter, account_key
from reporting.table import Column, Row, Section, Table

NAME = "gl-detail"

COLUMNS = (
    Column("account", "text"),
    Column("account_name", "text"),
    Column("currency", "text"),
    Column("posted_on", "date"),
    Column("row_number", "int"),
    Column("journal", "text"),
    Column("reference", "text"),
    Column("description", "text"),
    Column("debit", "amount"),
    Column("credit", "amount"),
    Column("balance", "amount"),
)
OPENING = "Opening balance"

_Key = tuple[str, str]


def gl_detail(
    records: Iterable[Record],
    *,
    date_from: DateArg = None,
    date_to: DateArg = None,
    accounts: AccountsArg = None,
    source: Source | None = None,
) -> Table:
    """Per account and currency: an opening-balance line, then each record in date order.

    The opening balance is the net (debit − credit) of the account's records dated before
    `date_from` (zero without one); `balance` runs from it. Records after `date_to`, and undated
    records when a range is given, are left out. Within a date, records keep ledger row order.
    Holds only the records inside the range (they are the output).
    """
    dates = DateRange.of(date_from, date_to)
    keep = account_filter(accounts)
    intake = Intake(records, source)
    opening: dict[_Key, Decimal] = {}
    names: dict[_Key, str] = {}
    lines: dict[_Key, list[Record]] = {}
    count = 0
    with exact():
        for count, record in enumerate(intake.records, 1):  # noqa: B007
            if keep is not None and not keep(record.account):
                continue
            key = (record.account, record.currency)
            if not names.get(key):
                names[key] = record.account_name
            if dates.start is not None and record.posted_on is not None and record.posted_on < dates.start:
                opening[key] = opening.get(key, ZERO) + record.debit - record.credit
            elif record.posted_on in dates:
                lines.setdefault(key, []).append(record)
        rows = _rows(opening, names, lines, dates.start)
    provenance = Provenance(
        report=NAME,
        parameters=(*dates.parameters(), *([("accounts", str(keep))] if keep else [])),
        sources=(("ledger", intake.finish(count)),),
    )
    return Table(sections=(Section(title="detail", columns=COLUMNS, rows=rows),), provenance=provenance)


def _rows(
    opening: dict[_Key, Decimal],
    names: dict[_Key, str],
    lines: dict[_Key, list[Record]],
    start: dt.date | None,
) -> tuple[Row, ...]:
    rows: list[Row] = []
    keys = sorted(opening.keys() | lines.keys(), key=lambda key: (account_key(key[0]), key[1]))
    for key in keys:
        account, currency = key
        balance = opening.get(key, ZERO)
        if key not in lines and balance == 0:
            continue
        rows.append((account, names[key], currency, start, None, "", "", OPENING, None, None, balance))
        for record in sorted(lines.get(key, ()), key=_date_order):
            balance = balance + record.debit - record.credit
            rows.append(
                (
                    account,
                    names[key],
                    currency,
                    record.posted_on,
                    record.row_number,
                    record.journal,
                    record.reference,
                    record.description,
                    record.debit,
                    record.credit,
                    balance,
                )
            )
    return tuple(rows)


def _date_order(record: Record) -> tuple[bool, dt.date, int]:
    # Undated records (only present without a date range) come first, in row order.
    return (record.posted_on is not None, record.posted_on or dt.date.min, record.row_number)
