"""Trial balance: debits, credits and net per account, and whether each currency balances."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from normalizer.record import Record
from reporting.columns import BALANCE_COLUMNS, Balances, accumulate_columns, arrow_columns
from reporting.money import ZERO, exact
from reporting.provenance import Intake, Provenance, Source
from reporting.selection import AccountsArg, DateArg, DateRange, account_filter, account_key
from reporting.table import Column, Row, Section, Table

NAME = "trial-balance"

ACCOUNT_COLUMNS = (
    Column("account", "text"),
    Column("account_name", "text"),
    Column("currency", "text"),
    Column("debit", "amount"),
    Column("credit", "amount"),
    Column("net", "amount"),
)
TOTAL_COLUMNS = (
    Column("currency", "text"),
    Column("accounts", "int"),
    Column("debit", "amount"),
    Column("credit", "amount"),
    Column("difference", "amount"),
    Column("balanced", "text"),
)


def trial_balance(
    records: Iterable[Record],
    *,
    date_from: DateArg = None,
    date_to: DateArg = None,
    accounts: AccountsArg = None,
    source: Source | None = None,
) -> Table:
    """Per account and currency: total debits, total credits and net (debit − credit).

    A second section, `totals`, gives per currency the number of accounts, the totals, their
    difference and `balanced` (`yes` when debits equal credits). Streams: memory grows with the
    number of accounts, not records. The account name is the first non-empty one seen.
    """
    dates = DateRange.of(date_from, date_to)
    keep = account_filter(accounts)
    intake = Intake(records, source)
    balances, count = account_balances(records, intake, dates)
    rows: list[Row] = []
    with exact():
        for (account, currency), (debit, credit, name) in sorted(
            balances.items(), key=lambda item: (account_key(item[0][0]), item[0][1])
        ):
            assert isinstance(debit, Decimal) and isinstance(credit, Decimal) and isinstance(name, str)
            if keep is None or keep(account):
                rows.append((account, name, currency, debit, credit, debit - credit))
    provenance = Provenance(
        report=NAME,
        parameters=(*dates.parameters(), *([("accounts", str(keep))] if keep else [])),
        sources=(("ledger", intake.finish(count)),),
    )
    return Table(
        sections=(
            Section(title="accounts", columns=ACCOUNT_COLUMNS, rows=tuple(rows)),
            Section(title="totals", columns=TOTAL_COLUMNS, rows=_totals(rows)),
        ),
        provenance=provenance,
    )


def account_balances(records: Iterable[Record], intake: Intake, dates: DateRange) -> tuple[Balances, int]:
    """`accumulate` over the intake's records, or on columns when the set reads them cheaply.

    A cold ledger's columns come straight from its verified artifact (`reporting.columns`);
    only when the checksum is known already (the set is digested at its source).
    """
    names = BALANCE_COLUMNS if dates.bounded else BALANCE_COLUMNS[1:]  # dates only to filter on
    columns = arrow_columns(records, names) if intake.source.records_sha256 else None
    if columns is not None:
        return accumulate_columns(columns, dates)
    return accumulate(intake.records, dates)


def accumulate(records: Iterable[Record], dates: DateRange) -> tuple[Balances, int]:
    """Sum debits and credits per (account, currency) in one pass; also count every record.

    This loop is the hot path of the report (a million records in well under a second), so it
    does only a dict lookup and two additions per record.
    """
    balances: Balances = {}
    count = 0
    bounded = dates.bounded
    with exact():
        for count, record in enumerate(records, 1):  # noqa: B007 - count is the result
            if bounded and record.posted_on not in dates:
                continue
            key = (record.account, record.currency)
            slot = balances.get(key)
            if slot is None:
                slot = balances[key] = [ZERO, ZERO, record.account_name]
            elif not slot[2] and record.account_name:
                slot[2] = record.account_name
            slot[0] += record.debit  # type: ignore[operator]
            slot[1] += record.credit  # type: ignore[operator]
    return balances, count


def _totals(rows: list[Row]) -> tuple[Row, ...]:
    per_currency: dict[str, list[Decimal]] = {}
    counts: dict[str, int] = {}
    with exact():
        for _, _, currency, debit, credit, _ in rows:
            assert isinstance(currency, str) and isinstance(debit, Decimal) and isinstance(credit, Decimal)
            sums = per_currency.setdefault(currency, [ZERO, ZERO])
            sums[0] += debit
            sums[1] += credit
            counts[currency] = counts.get(currency, 0) + 1
        return tuple(
            (currency, counts[currency], debit, credit, debit - credit, "yes" if debit == credit else "no")
            for currency, (debit, credit) in sorted(per_currency.items())
        )
