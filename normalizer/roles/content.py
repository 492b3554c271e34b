"""What a column's cells hold, over a sample: shares of dates, amounts, side flags, codes, text.

The shares are of the non-blank cells of the sample (at most `SAMPLE_ROWS` rows), so this
costs O(sample) whatever the file's length.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from normalizer.roles.vocabulary import vocabulary
from normalizer.structure.cells import RowLike, cell_at, cell_text, is_blank

SAMPLE_ROWS = 200
#: Cells read per table at most: a wide table gets fewer sample rows (never under 20), so a
#: hostile thousand-column file costs what an ordinary one does.
CELL_BUDGET = 10_000
_SYMBOL = re.compile(r"[$€£¥₹₩₽₺₪₫₱₦₴฿₸]|[A-Z]{1,2}\$")
_CODE_PREFIX = re.compile(r"\s*([A-Za-z]{3})")
#: Account-like: whole numbers, dotted/dashed code parts, short letter+digit codes, IBANs.
_CODE = re.compile(
    r"[0-9]{3,12}(?:\.0)?|[0-9A-Z]{1,6}(?:[.\-/][0-9A-Z]{1,6}){2,4}|(?=.*[A-Z])(?=.*[0-9])[0-9A-Z]{2,10}"
    r"|[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnContent:
    """Shares (0.0 - 1.0) of a column's non-blank sample cells that read as each kind."""

    filled: int  # non-blank cells in the sample
    rows: int  # rows in the sample
    date: float
    amount: float
    fraction: float  # amounts with a non-zero fractional part (money, not an id)
    negative: float  # amounts below zero
    side: float
    currency: float
    code: float  # account-like: digits only (3-12), or dotted/dashed short code parts
    distinct: int
    mean_length: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "filled": self.filled,
            "date": round(self.date, 2),
            "amount": round(self.amount, 2),
            "side": round(self.side, 2),
            "currency": round(self.currency, 2),
            "code": round(self.code, 2),
            "distinct": self.distinct,
        }


def is_date(cell: object) -> bool:
    from normalizer.values.dates import parse_date

    if isinstance(cell, dt.date):
        return True
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    if not text or not any(ch.isdigit() for ch in text) or len(text) > 40:
        return False
    # a year is supplied so `Sep 01` counts; a bare integer is an amount or an id, not a date
    if text.isdigit() and len(text) != 8:
        return False
    return any(
        parse_date(text, order=order, default_year=2000).error is None for order in (None, "DMY", "MDY")
    )


def is_currency(text: str) -> bool:
    text = text.strip()
    return text.upper() in vocabulary().currencies or bool(_SYMBOL.fullmatch(text))


def amount_of(cell: object) -> Decimal | None:
    """The cell as an amount under either decimal mark, or None. Three letters before or after
    the number must be a real currency code: `TID1` is an id, `EUR 5` an amount."""
    from normalizer.values.amounts import parse_amount

    if isinstance(cell, Decimal):
        return cell if cell.is_finite() else None
    if not isinstance(cell, str):
        return None
    for mark in (None, ".", ","):
        parsed = parse_amount(cell, decimal_mark=mark)
        if parsed.error is None and parsed.value is not None:
            letters = _CODE_PREFIX.match(cell) or re.search(r"([A-Za-z]{3})\s*$", cell)
            if letters and not is_currency(letters.group(1)):
                return None
            return parsed.value
    return None


def _is_side(cell: object) -> bool:
    text = cell_text(cell).strip().casefold()  # type: ignore[arg-type]
    text = text[:-1] if len(text) > 1 and text.endswith(".") else text
    return text in vocabulary().sides


def describe_column(rows: Sequence[RowLike], column: int) -> ColumnContent:
    """The content shares of one column over (the first `SAMPLE_ROWS` of) `rows`."""
    cells = [c for row in rows[:SAMPLE_ROWS] if not is_blank(c := cell_at(row.cells, column))]
    n = len(cells) or 1
    amounts = [a for c in cells if not is_date(c) and (a := amount_of(c)) is not None]
    texts = [cell_text(c) for c in cells]
    return ColumnContent(
        filled=len(cells),
        rows=min(len(rows), SAMPLE_ROWS),
        date=sum(map(is_date, cells)) / n,
        amount=len(amounts) / n,
        fraction=sum(1 for a in amounts if a != a.to_integral_value()) / n,
        negative=sum(1 for a in amounts if a < 0) / n,
        side=sum(map(_is_side, cells)) / n,
        currency=sum(1 for t in texts if is_currency(t)) / n,
        code=sum(1 for t in texts if _CODE.fullmatch(t.strip())) / n,
        distinct=len(set(texts)),
        mean_length=sum(map(len, texts)) / n,
    )


def sample_rows(width: int) -> int:
    """How many rows the sample of a table this wide holds."""
    return max(20, min(SAMPLE_ROWS, CELL_BUDGET // max(width, 1)))


def describe(rows: Sequence[RowLike], width: int) -> tuple[ColumnContent, ...]:
    sample = rows[: sample_rows(width)]
    return tuple(describe_column(sample, column) for column in range(width))
