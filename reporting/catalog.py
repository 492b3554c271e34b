"""The reports by name, what each takes, and how to run one on record streams.

Declared as data: each `ReportSpec` says how many ledgers the report reads and which
parameters it accepts or requires, so the CLI and `run_report` check arguments the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from normalizer.record import Record
from reporting.compare import compare
from reporting.cost_mapping import CostMapping
from reporting.cost_summary import cost_summary
from reporting.errors import ReportParameterError
from reporting.gl_detail import gl_detail
from reporting.journal_check import journal_check
from reporting.money import parse_rate
from reporting.period_summary import period_summary
from reporting.provenance import Source
from reporting.selection import AccountsArg, DateRange, account_filter
from reporting.table import Table
from reporting.trial_balance import trial_balance


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportParams:
    """Every parameter any report takes; a report refuses the ones it does not use.

    Dates are `date`s or ISO strings; `accounts` is `"4000,61*"` or a list; `mapping` a
    `CostMapping` or the path of a mapping file; `rate` a Decimal or `"0.15"` / `"15%"`.
    """

    date_from: dt.date | str | None = None
    date_to: dt.date | str | None = None
    accounts: AccountsArg = None
    mapping: CostMapping | str | Path | None = None
    rate: Decimal | str | None = None
    fiscal_start_month: int | None = None

    def given(self) -> set[str]:
        return {field.name for field in dataclasses.fields(self) if getattr(self, field.name) is not None}


_Runner = Callable[[Sequence[Iterable[Record]], ReportParams, Sequence[Source | None]], Table]

#: How a parameter is spelled on the command line, for messages.
OPTION_NAMES = {
    "date_from": "--from",
    "date_to": "--to",
    "accounts": "--accounts",
    "mapping": "--mapping",
    "rate": "--rate",
    "fiscal_start_month": "--fiscal-start-month",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportSpec:
    name: str
    summary: str
    ledgers: int
    accepts: frozenset[str]
    requires: frozenset[str] = frozenset()
    #: A report whose main section lists problems (journal-check): rows there mean "found some".
    lists_problems: bool = False
    runner: _Runner

    def check(self, ledger_count: int, params: ReportParams) -> None:
        """Refuse a wrong number of ledgers, a missing parameter or one this report does not take."""
        if ledger_count != self.ledgers:
            wanted = "one ledger file id" if self.ledgers == 1 else "two ledger file ids (old, then new)"
            raise ReportParameterError("ledger", f"{self.name} takes {wanted}, got {ledger_count}")
        refused = sorted(params.given() - self.accepts)
        if refused:
            option = OPTION_NAMES[refused[0]]
            raise ReportParameterError(option, f"{self.name} does not take {option}")
        missing = sorted(self.requires - params.given())
        if missing:
            option = OPTION_NAMES[missing[0]]
            raise ReportParameterError(option, f"{self.name} needs {option}")
        _check_values(params)

    def run(
        self,
        record_sets: Sequence[Iterable[Record]],
        params: ReportParams,
        sources: Sequence[Source | None] | None = None,
    ) -> Table:
        """Check the arguments, then run the report on the record streams (each read once)."""
        self.check(len(record_sets), params)
        return self.runner(record_sets, params, sources or [None] * len(record_sets))


def _check_values(params: ReportParams) -> None:
    """Parse every given value once up front, so a typo fails before any record is read."""
    DateRange.of(params.date_from, params.date_to)
    account_filter(params.accounts)
    if params.rate is not None:
        parse_rate(params.rate)
    month = params.fiscal_start_month
    if month is not None and not 1 <= month <= 12:
        raise ReportParameterError("--fiscal-start-month", f"{month} is not a month 1-12")


def _mapping(params: ReportParams) -> CostMapping:
    mapping = params.mapping
    assert mapping is not None
    return mapping if isinstance(mapping, CostMapping) else CostMapping.load(mapping)


_RANGE = frozenset({"date_from", "date_to"})
_FILTERS = _RANGE | {"accounts"}

REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            name="trial-balance",
            summary="debits, credits and net per account; totals; whether it balances",
            ledgers=1,
            accepts=_FILTERS,
            runner=lambda sets, p, src: trial_balance(
                sets[0], date_from=p.date_from, date_to=p.date_to, accounts=p.accounts, source=src[0]
            ),
        ),
        ReportSpec(
            name="gl-detail",
            summary="every line per account with a running balance from the opening balance",
            ledgers=1,
            accepts=_FILTERS,
            runner=lambda sets, p, src: gl_detail(
                sets[0], date_from=p.date_from, date_to=p.date_to, accounts=p.accounts, source=src[0]
            ),
        ),
        ReportSpec(
            name="period-summary",
            summary="net per account per month (fiscal months with --fiscal-start-month)",
            ledgers=1,
            accepts=_FILTERS | {"fiscal_start_month"},
            runner=lambda sets, p, src: period_summary(
                sets[0],
                date_from=p.date_from,
                date_to=p.date_to,
                accounts=p.accounts,
                fiscal_start_month=p.fiscal_start_month,
                source=src[0],
            ),
        ),
        ReportSpec(
            name="journal-check",
            summary="journals whose debits and credits differ, per currency",
            ledgers=1,
            accepts=_RANGE,
            lists_problems=True,
            runner=lambda sets, p, src: journal_check(
                sets[0], date_from=p.date_from, date_to=p.date_to, source=src[0]
            ),
        ),
        ReportSpec(
            name="cost-summary",
            summary="totals per cost category from a mapping file; indirect cost = rate × base",
            ledgers=1,
            accepts=_RANGE | {"mapping", "rate"},
            requires=frozenset({"mapping"}),
            runner=lambda sets, p, src: cost_summary(
                sets[0], _mapping(p), rate=p.rate, date_from=p.date_from, date_to=p.date_to, source=src[0]
            ),
        ),
        ReportSpec(
            name="compare",
            summary="two ledger files: per-account totals in each, records added and removed",
            ledgers=2,
            accepts=_FILTERS,
            runner=lambda sets, p, src: compare(
                sets[0],
                sets[1],
                date_from=p.date_from,
                date_to=p.date_to,
                accounts=p.accounts,
                old_source=src[0],
                new_source=src[1],
            ),
        ),
    )
}


def report_spec(name: str) -> ReportSpec:
    """The report called `name`; `ReportParameterError` naming the known ones otherwise."""
    spec = REPORTS.get(name)
    if spec is None:
        raise ReportParameterError("report", f"{name!r} is not one of {', '.join(REPORTS)}")
    return spec
