"""Cost summary: accounts grouped into cost categories, and indirect cost = rate × base."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from normalizer.record import Record
from reporting.cost_mapping import Category, CostMapping
from reporting.money import ZERO, exact, parse_rate, rate_text
from reporting.provenance import Intake, Provenance, Source
from reporting.selection import DateArg, DateRange, account_key
from reporting.table import Column, Row, Section, Table
from reporting.trial_balance import account_balances

NAME = "cost-summary"
UNMAPPED = "(unmapped)"

CATEGORY_COLUMNS = (
    Column("category", "text"),
    Column("flag", "text"),
    Column("currency", "text"),
    Column("accounts", "int"),
    Column("debit", "amount"),
    Column("credit", "amount"),
    Column("net", "amount"),
)
TOTAL_COLUMNS = (Column("line", "text"), Column("currency", "text"), Column("amount", "amount"))
ACCOUNT_COLUMNS = (
    Column("account", "text"),
    Column("account_name", "text"),
    Column("currency", "text"),
    Column("category", "text"),
    Column("flag", "text"),
    Column("net", "amount"),
)

_UNMAPPED = Category(UNMAPPED, "direct")  # a placeholder; its rows are flagged "unmapped"


def cost_summary(
    records: Iterable[Record],
    mapping: CostMapping,
    *,
    rate: str | Decimal | None = None,
    date_from: DateArg = None,
    date_to: DateArg = None,
    source: Source | None = None,
) -> Table:
    """Net cost (debit − credit) per category and currency, and the indirect cost at `rate`.

    Sections: `categories` (every mapped category in mapping order, then `(unmapped)`),
    `totals` per currency (direct costs = direct + indirect-base; the indirect-cost base;
    indirect cost = rate × base, exact, not rounded; total costs = direct costs + indirect
    cost; excluded; unmapped), and `accounts` (each account's category, for audit). Without a
    rate the indirect lines are left out. Streams like the trial balance.
    """
    dates = DateRange.of(date_from, date_to)
    exact_rate = parse_rate(rate) if rate is not None else None
    intake = Intake(records, source)
    balances, count = account_balances(records, intake, dates)
    accounts: list[Row] = []
    sums: dict[tuple[Category, str], list[Decimal]] = {}
    counts: dict[tuple[Category, str], int] = {}
    with exact():
        for (account, currency), (debit, credit, name) in sorted(
            balances.items(), key=lambda item: (account_key(item[0][0]), item[0][1])
        ):
            assert isinstance(debit, Decimal) and isinstance(credit, Decimal) and isinstance(name, str)
            category = mapping.category_of(account) or _UNMAPPED
            slot = sums.setdefault((category, currency), [ZERO, ZERO])
            slot[0] += debit
            slot[1] += credit
            counts[(category, currency)] = counts.get((category, currency), 0) + 1
            accounts.append((account, name, currency, *_label(category), debit - credit))
        currencies = sorted({currency for _, currency in balances})
        categories = _category_rows(mapping, sums, counts, currencies)
        totals = _total_rows(categories, currencies, exact_rate)
    parameters = [
        *dates.parameters(),
        ("mapping", mapping.name),
        ("mapping_sha256", mapping.sha256),
    ]
    if exact_rate is not None:
        parameters.append(("rate", rate_text(exact_rate)))
    provenance = Provenance(
        report=NAME, parameters=tuple(parameters), sources=(("ledger", intake.finish(count)),)
    )
    return Table(
        sections=(
            Section(title="categories", columns=CATEGORY_COLUMNS, rows=categories),
            Section(title="totals", columns=TOTAL_COLUMNS, rows=totals),
            Section(title="accounts", columns=ACCOUNT_COLUMNS, rows=tuple(accounts)),
        ),
        provenance=provenance,
    )


def _label(category: Category) -> tuple[str, str]:
    return (UNMAPPED, "unmapped") if category is _UNMAPPED else (category.name, category.flag)


def _category_rows(
    mapping: CostMapping,
    sums: dict[tuple[Category, str], list[Decimal]],
    counts: dict[tuple[Category, str], int],
    currencies: list[str],
) -> tuple[Row, ...]:
    rows: list[Row] = []
    for category in (*mapping.categories, _UNMAPPED):
        for currency in currencies:
            key = (category, currency)
            if category is _UNMAPPED and key not in sums:
                continue
            debit, credit = sums.get(key, (ZERO, ZERO))
            flag = "unmapped" if category is _UNMAPPED else category.flag
            rows.append((category.name, flag, currency, counts.get(key, 0), debit, credit, debit - credit))
    return tuple(rows)


def _total_rows(categories: tuple[Row, ...], currencies: list[str], rate: Decimal | None) -> tuple[Row, ...]:
    rows: list[Row] = []
    for currency in currencies:
        by_flag = {"direct": ZERO, "indirect-base": ZERO, "excluded": ZERO, "unmapped": ZERO}
        for _, flag, row_currency, _, _, _, net in categories:
            if row_currency == currency:
                assert isinstance(flag, str) and isinstance(net, Decimal)
                by_flag[flag] += net
        base = by_flag["indirect-base"]
        direct = by_flag["direct"] + base
        rows.append(("direct costs", currency, direct))
        rows.append(("indirect-cost base", currency, base))
        if rate is not None:
            indirect = rate * base
            rows.append((f"indirect cost ({rate_text(rate)} × base)", currency, indirect))
            rows.append(("total costs", currency, direct + indirect))
        rows.append(("excluded", currency, by_flag["excluded"]))
        rows.append(("unmapped", currency, by_flag["unmapped"]))
    return tuple(rows)
