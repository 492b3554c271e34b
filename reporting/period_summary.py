"""Period summary: net movement per account per month (calendar or fiscal)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from normalizer.record import Record
from reporting.errors import ReportParameterError
from reporting.money import ZERO, exact
from reporting.provenance import Intake, Provenance, Source
from reporting.selection import AccountFilter, AccountsArg, DateArg, DateRange, account_filter, account_key
from reporting.table import Column, Row, Section, Table

NAME = "period-summary"

#: A period as a sortable pair: (year, month) or (fiscal year, fiscal period); undated last.
_Period = tuple[int, int]
_UNDATED: _Period = (10_000, 0)
_Key = tuple[str, str]


def period_summary(
    records: Iterable[Record],
    *,
    date_from: DateArg = None,
    date_to: DateArg = None,
    accounts: AccountsArg = None,
    fiscal_start_month: int | None = None,
    source: Source | None = None,
) -> Table:
    """Net (debit − credit) per account and currency for each month that has records.

    Columns are the months in order, labelled `2025-01`; with `fiscal_start_month` (1-12) they
    are fiscal periods labelled `FY2025 P01`, where a fiscal year is named by the calendar year
    it ends in (start month 7: July 2024 is `FY2025 P01`). An `undated` column appears when
    undated records are included (no date range). `total` is the account's net over all
    columns; `totals` rows sum each column per currency. Streams: memory grows with accounts
    × periods, not records.
    """
    if fiscal_start_month is not None and not 1 <= fiscal_start_month <= 12:
        raise ReportParameterError("fiscal-start-month", f"{fiscal_start_month} is not a month 1-12")
    dates = DateRange.of(date_from, date_to)
    keep = account_filter(accounts)
    intake = Intake(records, source)
    nets, names, count = _accumulate(intake.records, dates, fiscal_start_month)
    periods = sorted({period for per_account in nets.values() for period in per_account})
    columns = (
        Column("account", "text"),
        Column("account_name", "text"),
        Column("currency", "text"),
        *(Column(_label(period, fiscal_start_month), "amount") for period in periods),
        Column("total", "amount"),
    )
    with exact():
        rows = _rows(nets, names, periods, keep)
        totals = _totals(rows, len(periods))
    parameters = [*dates.parameters(), *([("accounts", str(keep))] if keep else [])]
    if fiscal_start_month is not None:
        parameters.append(("fiscal_start_month", str(fiscal_start_month)))
    provenance = Provenance(
        report=NAME, parameters=tuple(parameters), sources=(("ledger", intake.finish(count)),)
    )
    section = Section(title="periods", columns=columns, rows=rows, totals=totals)
    return Table(sections=(section,), provenance=provenance)


def _accumulate(
    records: Iterable[Record], dates: DateRange, fiscal_start_month: int | None
) -> tuple[dict[_Key, dict[_Period, Decimal]], dict[_Key, str], int]:
    nets: dict[_Key, dict[_Period, Decimal]] = {}
    names: dict[_Key, str] = {}
    period_of: dict[dt.date | None, _Period] = {None: _UNDATED}
    start = fiscal_start_month or 1
    bounded = dates.bounded
    count = 0
    with exact():
        for count, record in enumerate(records, 1):  # noqa: B007
            day = record.posted_on
            if bounded and day not in dates:
                continue
            period = period_of.get(day)
            if period is None:
                period = period_of[day] = _period(day, start, fiscal=fiscal_start_month is not None)
            key = (record.account, record.currency)
            per_account = nets.get(key)
            if per_account is None:
                per_account = nets[key] = {}
                names[key] = record.account_name
            elif not names[key]:
                names[key] = record.account_name
            per_account[period] = per_account.get(period, ZERO) + (record.debit - record.credit)
    return nets, names, count


def _period(day: dt.date | None, start: int, *, fiscal: bool) -> _Period:
    assert day is not None
    if not fiscal:
        return (day.year, day.month)
    year = day.year + 1 if start > 1 and day.month >= start else day.year
    return (year, (day.month - start) % 12 + 1)


def _label(period: _Period, fiscal_start_month: int | None) -> str:
    if period == _UNDATED:
        return "undated"
    year, number = period
    return f"FY{year} P{number:02d}" if fiscal_start_month is not None else f"{year}-{number:02d}"


def _rows(
    nets: dict[_Key, dict[_Period, Decimal]],
    names: dict[_Key, str],
    periods: list[_Period],
    keep: AccountFilter | None,
) -> tuple[Row, ...]:
    rows: list[Row] = []
    for key in sorted(nets, key=lambda key: (account_key(key[0]), key[1])):
        account, currency = key
        if keep is not None and not keep(account):
            continue
        per_period = nets[key]
        values = [per_period.get(period, ZERO) for period in periods]
        rows.append((account, names[key], currency, *values, sum(values, ZERO)))
    return tuple(rows)


def _totals(rows: tuple[Row, ...], width: int) -> tuple[Row, ...]:
    per_currency: dict[str, list[Decimal]] = {}
    for row in rows:
        currency = row[2]
        assert isinstance(currency, str)
        sums = per_currency.setdefault(currency, [ZERO] * (width + 1))
        for index, value in enumerate(row[3:]):
            assert isinstance(value, Decimal)
            sums[index] += value
    return tuple(("Total", "", currency, *sums) for currency, sums in sorted(per_currency.items()))
