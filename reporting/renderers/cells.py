"""Cell values as text, and the neutralising of text a spreadsheet would run as a formula."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from normalizer.record import canonical_amount
from reporting.table import Cell

#: A text cell starting with one of these is a formula (or a DDE payload) to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """Prefix `'` to text a spreadsheet would evaluate, so it shows as the text it is."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def amount_text(value: Decimal) -> str:
    """An amount in canonical plain notation: `1234.50`, `-0.125`, never `1.2E+3` or `-0.00`."""
    return format(canonical_amount(value), "f")


def cell_text(value: Cell) -> str:
    """A cell as CSV text: amounts canonical, dates ISO, text neutralised, empty for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralize(value)
    if isinstance(value, Decimal):
        return amount_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
