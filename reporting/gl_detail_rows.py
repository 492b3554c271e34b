"""gl-detail's rows as columns: the lines kept as they come, sorted by an index, with balances.

Kept apart from `gl_detail` so that NumPy is imported only when a gl-detail runs (the CLI
imports every report to list them).
"""

from __future__ import annotations

import datetime as dt
from array import array
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from reporting.gl_detail import OPENING
from reporting.money import ZERO
from reporting.rowstore import (
    AmountColumn,
    CodedColumn,
    Index,
    IntColumn,
    StringBuilder,
    Strings,
    TextColumn,
    amount_texts,
)
from reporting.selection import account_key
from reporting.table import ColumnarRows

#: Records staged as Python values before their fields go into arrays.
BATCH = 1 << 14

_Key = tuple[str, str]


class Lines:
    """The records inside the range, as they came: their fields in arrays, a batch at a time.

    Every array grows in place (`array`, `StringBuilder`); NumPy and Arrow read them without a
    copy. Codes (the record's account and currency) are appended per record, the other fields
    from `batch` when it is full.
    """

    def __init__(self) -> None:
        self.batch: list[tuple[Any, ...]] = []
        self.codes = array("i")
        self.days = array("i")  # each line's code in `day_of`
        self.numbers = array("q")
        #: journal, reference, description, debit, credit
        self.texts = tuple(StringBuilder() for _ in range(5))
        self.day_of = _Days()

    def flush(self) -> None:
        if not self.batch:
            return
        posted, numbers, *texts = zip(*self.batch, strict=True)
        self.days.extend(map(self.day_of.__getitem__, posted))
        self.numbers.extend(numbers)
        for builder, values in zip(self.texts[:3], texts[:3], strict=True):
            builder.extend(values)
        for builder, values in zip(self.texts[3:], texts[3:], strict=True):
            builder.extend(amount_texts(values))
        self.batch.clear()


class _Days(dict[dt.date | None, int]):
    """A code for each posting date (None: undated), in the order they come."""

    def __missing__(self, day: dt.date | None) -> int:
        code = self[day] = len(self)
        return code

    def ordinals(self) -> npt.NDArray[np.int32]:
        """Each code's date as a day number, 0 for undated (before every date), for sorting."""
        ordinals = np.zeros(len(self), dtype=np.int32)
        for day, code in self.items():
            ordinals[code] = 0 if day is None else day.toordinal()
        return ordinals


def rows(
    keys: list[_Key],
    names: list[str],
    opening: dict[int, Decimal],
    lines: Lines,
    start: dt.date | None,
) -> ColumnarRows:
    lines.flush()
    count = len(lines.codes)
    # Keys in account order, then each key's lines by date (undated first), then row number:
    # one stable sort of the lines as they came, so equal keys keep ledger order.
    ranked = sorted(
        range(len(keys)), key=lambda code: (account_key(keys[code][0]), keys[code][1], keys[code][0])
    )
    rank = np.empty(len(keys), dtype=np.int32)
    rank[ranked] = np.arange(len(keys), dtype=np.int32)
    line_ranks = rank[np.frombuffer(lines.codes, dtype=np.int32)]
    order = np.lexsort(
        (
            np.frombuffer(lines.numbers, dtype=np.int64),
            lines.day_of.ordinals()[np.frombuffer(lines.days, dtype=np.int32)],
            line_ranks,
        )
    )
    bounds = np.concatenate(([0], np.cumsum(np.bincount(line_ranks, minlength=len(keys))))).tolist()
    del line_ranks
    # Each key shown: its opening line (stored after the records' lines), then its lines.
    shown = [
        (code, bounds[position], bounds[position + 1])
        for position, code in enumerate(ranked)
        if bounds[position] < bounds[position + 1] or opening.get(code, ZERO) != 0
    ]
    blank = len(shown)
    index: Index = np.empty(count + blank, dtype=np.int32 if count + blank < 1 << 31 else np.int64)
    place = 0
    for opened, (_, low, high) in enumerate(shown):
        index[place] = count + opened
        index[place + 1 : place + 1 + high - low] = order[low:high]
        place += 1 + high - low
    del order
    lines.codes.extend(code for code, _, _ in shown)
    lines.days.extend([lines.day_of[start]] * blank)
    lines.numbers.extend(bytes(8 * blank))  # placeholders: an opening line has no row number
    codes = np.frombuffer(lines.codes, dtype=np.int32)
    numbers = np.frombuffer(lines.numbers, dtype=np.int64)
    missing = np.zeros(count + blank, dtype=np.bool_)
    missing[count:] = True
    journals, references, descriptions, debits, credits = (
        _with_openings(builder, value, blank)
        for builder, value in zip(lines.texts, ("", "", OPENING, None, None), strict=True)
    )
    balances = _balances(index, count, debits, credits, [opening.get(code, ZERO) for code, _, _ in shown])
    days = sorted(lines.day_of, key=lines.day_of.__getitem__)
    return ColumnarRows(
        (
            CodedColumn("text", [account for account, _ in keys], codes, index),
            CodedColumn("text", names, codes, index),
            CodedColumn("text", [currency for _, currency in keys], codes, index),
            CodedColumn("date", days, np.frombuffer(lines.days, dtype=np.int32), index),
            IntColumn(numbers, missing, index),
            TextColumn(journals, index),
            TextColumn(references, index),
            TextColumn(descriptions, index),
            AmountColumn(debits, index),
            AmountColumn(credits, index),
            AmountColumn(balances),
        )
    )


def _with_openings(builder: StringBuilder, value: str | None, count: int) -> Strings:
    """The lines' column, then `value` for each of `count` opening lines."""
    builder.extend([value] * count)
    return builder.finish()


def _balances(
    index: npt.NDArray[np.integer], count: int, debits: Strings, credits: Strings, openings: list[Decimal]
) -> Strings:
    """The running balance of each output line, in output order (an opening line resets it)."""
    starts = iter(openings)
    balance = ZERO
    out = StringBuilder()
    for block in range(0, len(index), BATCH):
        positions = index[block : block + BATCH]
        block_balances: list[Decimal] = []
        for position, debit, credit in zip(
            positions.tolist(),
            debits.texts(positions),
            credits.texts(positions),
            strict=True,
        ):
            # An opening line (stored after the lines) has no amounts: it resets the balance.
            balance = (
                next(starts) if position >= count else balance + Decimal(debit or "") - Decimal(credit or "")
            )
            block_balances.append(balance)
        out.extend(amount_texts(block_balances))
    return out.finish()
