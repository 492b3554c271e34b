"""General-ledger detail: every line per account with a running balance."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from operator import attrgetter

from normalizer.record import Record
from reporting.money import ZERO, exact
from reporting.provenance import Intake, Provenance, Source
from reporting.selection import AccountsArg, DateArg, DateRange, account_filter
from reporting.table import Column, Section, Table

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
_FIELDS = attrgetter("posted_on", "row_number", "journal", "reference", "description", "debit", "credit")


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
    Holds only the records inside the range (they are the output), and those as columns
    (`reporting.rowstore`), not as records or row tuples: the rows are `ColumnarRows`, sorted
    by an index over the columns as the records came.
    """
    from reporting import gl_detail_rows  # NumPy, imported when a gl-detail runs

    dates = DateRange.of(date_from, date_to)
    keep = account_filter(accounts)
    intake = Intake(records, source)
    start = dates.start
    codes: dict[_Key, int] = {}
    names: list[str] = []
    opening: dict[int, Decimal] = {}
    lines = gl_detail_rows.Lines()
    batch, batch_codes = lines.batch, lines.codes
    count = 0
    with exact():
        for count, record in enumerate(intake.records, 1):  # noqa: B007
            if keep is not None and not keep(record.account):
                continue
            key = (record.account, record.currency)
            code = codes.get(key)
            if code is None:
                code = codes[key] = len(names)
                names.append(record.account_name)
            elif not names[code]:
                names[code] = record.account_name
            if start is not None and record.posted_on is not None and record.posted_on < start:
                opening[code] = opening.get(code, ZERO) + record.debit - record.credit
            elif record.posted_on in dates:
                batch.append(_FIELDS(record))
                batch_codes.append(code)
                if len(batch) == gl_detail_rows.BATCH:
                    lines.flush()
        rows = gl_detail_rows.rows(list(codes), names, opening, lines, start)
    provenance = Provenance(
        report=NAME,
        parameters=(*dates.parameters(), *([("accounts", str(keep))] if keep else [])),
        sources=(("ledger", intake.finish(count)),),
    )
    return Table(sections=(Section(title="detail", columns=COLUMNS, rows=rows),), provenance=provenance)
