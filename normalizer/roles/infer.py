"""Roles from content alone, for a table whose first row is data (no header row).

A date column, then money: two amount columns that are never both non-zero on a row are a
debit/credit pair (debit first, as every ledger prints them); one amount column is signed, or
unsigned with a side-flag column beside it. Whole-number codes filled on every row are the
account; the longest free text is the description. Anything else stays an attribute.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from normalizer.errors import NoHeaderError
from normalizer.roles.content import SAMPLE_ROWS, ColumnContent
from normalizer.roles.errors import AmbiguousColumnsError
from normalizer.structure.cells import RowLike, cell_at

_ZERO = Decimal(0)
#: More amount-like columns than this and no header: too many readings to choose among (and
#: comparing every pair would cost the square of the width).
_MAX_MONEY = 8


@dataclass(frozen=True, slots=True, kw_only=True)
class Inferred:
    fields: dict[str, tuple[int, ...]]
    notes: dict[int, str]


def _is_amount(c: ColumnContent) -> bool:
    return c.filled > 0 and c.amount >= 0.9 and c.date < 0.5


def _is_code(c: ColumnContent) -> bool:
    """Account-like: whole numbers or short dotted codes on (nearly) every row, never negative."""
    return c.filled >= 0.9 * c.rows and c.code >= 0.9 and c.fraction == 0 and c.negative == 0


def infer_roles(
    rows: Sequence[RowLike], contents: Sequence[ColumnContent], names: Sequence[str] = ()
) -> Inferred:
    """Fields for a headerless table; NoHeaderError when the content shows no date and amount."""
    notes: dict[int, str] = {}
    dates = [i for i, c in enumerate(contents) if c.filled >= 0.5 * c.rows and c.date >= 0.9]
    codes = [i for i, c in enumerate(contents) if i not in dates and _is_code(c)]
    money = [i for i, c in enumerate(contents) if i not in dates and i not in codes and _is_amount(c)]
    if not dates or not money:
        raise NoHeaderError(
            "no header row found (looked for columns such as Date, Account, Debit, Credit, Amount "
            "in the first 100 rows), and the cells do not show a date and an amount column; "
            "give a profile that names the columns"
        )
    fields: dict[str, tuple[int, ...]] = {"posted_on": (dates[0],)}
    notes[dates[0]] = "dates in the cells"
    fields.update(_money(rows, contents, money, notes, names))
    used = {c for cols in fields.values() for c in cols}
    if codes and codes[0] not in used:
        fields["account"] = (codes[0],)
        notes[codes[0]] = "whole-number codes on every row"
    used = {c for cols in fields.values() for c in cols}
    texts = [
        (c.mean_length, -i)
        for i, c in enumerate(contents)
        if i not in used and c.filled and c.amount < 0.5 and c.date < 0.5 and c.side < 0.5
    ]
    if texts:
        column = -max(texts)[1]
        fields["description"] = (column,)
        notes[column] = "the longest free text"
    return Inferred(fields=fields, notes=notes)


def _money(
    rows: Sequence[RowLike],
    contents: Sequence[ColumnContent],
    money: list[int],
    notes: dict[int, str],
    names: Sequence[str],
) -> dict[str, tuple[int, ...]]:
    if len(money) > _MAX_MONEY:
        raise AmbiguousColumnsError(
            f"{len(money)} columns read as amounts; say which is the amount with a profile: "
            f"[columns] amount = {money[0] + 1}  (or debit = and credit =)"
        )
    balances = [b for b in money if any(_running_balance(rows, a, b) for a in money if a != b)]
    for column in balances:
        notes[column] = "a running balance of another column: not the amount"
    if len(balances) < len(money):
        money = [m for m in money if m not in balances]
    pairs = [(a, b) for n, a in enumerate(money) for b in money[n + 1 :] if _complementary(rows, a, b)]
    if len(pairs) == 1:
        debit, credit = pairs[0]
        notes[debit] = notes[credit] = "never both non-zero on a row: a debit/credit pair"
        return {"debit": (debit,), "credit": (credit,)}
    if len(pairs) > 1 or len(money) > 1:
        first, second = (pairs[0] if pairs else money[:2])[:2]
        if not pairs and _same_values(rows, first, second):
            notes[first] = "signed amounts (the next column holds the same values)"
            return {"amount": (first,)}
        a, b = (
            f"'{names[i]}' (column {i + 1})" if i < len(names) else f"column {i + 1}" for i in (first, second)
        )
        raise AmbiguousColumnsError(
            f"{a} and {b} both read as amounts and give different totals; say which with a "
            f"profile: [columns] amount = {first + 1}  (or debit = {first + 1} and credit = {second + 1})"
        )
    (amount,) = money
    sides = [
        i
        for i, c in enumerate(contents)
        if i != amount and c.filled >= 0.9 * c.rows and c.side >= 0.95 and c.distinct <= 6
    ]
    if sides and contents[amount].negative == 0:
        notes[amount] = "unsigned amounts"
        notes[sides[0]] = "debit/credit flags in the cells"
        return {"amount": (amount,), "side": (sides[0],)}
    notes[amount] = "signed amounts"
    return {"amount": (amount,)}


def _same_values(rows: Sequence[RowLike], a: int, b: int) -> bool:
    from normalizer.roles.content import amount_of

    return all(
        amount_of(cell_at(row.cells, a)) == amount_of(cell_at(row.cells, b)) for row in rows[:SAMPLE_ROWS]
    )


def _running_balance(rows: Sequence[RowLike], amount: int, balance: int) -> bool:
    """Each step of `balance` is plus or minus the row's `amount` (newest first or last)."""
    from normalizer.roles.content import amount_of

    pairs = [
        (a, b)
        for row in rows[:SAMPLE_ROWS]
        if (a := amount_of(cell_at(row.cells, amount))) is not None
        and (b := amount_of(cell_at(row.cells, balance))) is not None
    ]
    if len(pairs) < 2:
        return False
    steps = list(itertools.pairwise(pairs))
    fits = sum(1 for (a0, b0), (a1, b1) in steps if b1 - b0 in (a1, -a1) or b0 - b1 in (a0, -a0))
    return fits >= 0.9 * len(steps)


def _complementary(rows: Sequence[RowLike], a: int, b: int) -> bool:
    """At most one of the two columns is non-zero on 95% of the rows where either is."""
    from normalizer.roles.content import amount_of

    either = both = 0
    for row in rows[:SAMPLE_ROWS]:
        x, y = amount_of(cell_at(row.cells, a)), amount_of(cell_at(row.cells, b))
        nx, ny = x is not None and x != _ZERO, y is not None and y != _ZERO
        either += nx or ny
        both += nx and ny
    return either > 0 and both <= 0.05 * either
