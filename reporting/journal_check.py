"""Journal check: journals whose debits and credits differ, per currency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from normalizer.record import Record
from reporting.money import ZERO, exact
from reporting.provenance import Intake, Provenance, Source
from reporting.selection import DateArg, DateRange, account_key
from reporting.table import Column, Row, Section, Table

NAME = "journal-check"

COLUMNS = (
    Column("journal", "text"),
    Column("currency", "text"),
    Column("first_posted_on", "date"),
    Column("lines", "int"),
    Column("debit", "amount"),
    Column("credit", "amount"),
    Column("difference", "amount"),
)
SUMMARY_COLUMNS = (
    Column("journals", "int"),
    Column("lines", "int"),
    Column("unbalanced", "int"),
)


@dataclass(slots=True)
class _Journal:
    first_posted_on: dt.date | None
    lines: int = 0
    debit: Decimal = ZERO
    credit: Decimal = ZERO


def journal_check(
    records: Iterable[Record],
    *,
    date_from: DateArg = None,
    date_to: DateArg = None,
    source: Source | None = None,
) -> Table:
    """Each (journal, currency) whose debits differ from its credits, with `difference` = debit − credit.

    Records with an empty journal id form one journal `""`. `first_posted_on` is the earliest
    date among the journal's lines. A `summary` section counts the (journal, currency) pairs
    checked, their lines and how many are unbalanced. A date range keeps only lines inside it,
    so a journal that straddles an end of the range can look unbalanced.
    """
    dates = DateRange.of(date_from, date_to)
    intake = Intake(records, source)
    journals: dict[tuple[str, str], _Journal] = {}
    bounded = dates.bounded
    count = 0
    with exact():
        for count, record in enumerate(intake.records, 1):  # noqa: B007
            day = record.posted_on
            if bounded and day not in dates:
                continue
            key = (record.journal, record.currency)
            journal = journals.get(key)
            if journal is None:
                journal = journals[key] = _Journal(first_posted_on=day)
            elif day is not None and (journal.first_posted_on is None or day < journal.first_posted_on):
                journal.first_posted_on = day
            journal.lines += 1
            journal.debit += record.debit
            journal.credit += record.credit
        rows: tuple[Row, ...] = tuple(
            (name, currency, j.first_posted_on, j.lines, j.debit, j.credit, j.debit - j.credit)
            for (name, currency), j in sorted(
                journals.items(), key=lambda item: (account_key(item[0][0]), item[0][1])
            )
            if j.debit != j.credit
        )
    summary: Row = (len(journals), sum(j.lines for j in journals.values()), len(rows))
    provenance = Provenance(
        report=NAME, parameters=tuple(dates.parameters()), sources=(("ledger", intake.finish(count)),)
    )
    return Table(
        sections=(
            Section(title="unbalanced", columns=COLUMNS, rows=rows),
            Section(title="summary", columns=SUMMARY_COLUMNS, rows=(summary,)),
        ),
        provenance=provenance,
    )
