"""Values: cells to exact amounts, debit/credit sides and dates, and per-column inference.

`parse_amount`, `parse_side` and `parse_date` read one cell and return the problem as data;
`infer_decimal_mark` and `infer_date_order` decide a column's convention from all its values.
"""

from __future__ import annotations

from normalizer.values._currencies import parse_currency
from normalizer.values.amounts import (
    MARK_CONTRADICTED,
    MARK_UNDECIDED,
    NO_MARK_NEEDED,
    DecimalMark,
    ParsedAmount,
    infer_decimal_mark,
    parse_amount,
)
from normalizer.values.cells import CellValue
from normalizer.values.dates import (
    DATE_ORDERS,
    NO_ORDER_NEEDED,
    ORDER_CONTRADICTED,
    DateOrder,
    ParsedDate,
    infer_date_order,
    parse_date,
)
from normalizer.values.sides import DEFAULT_SIDE_TOKENS, Side, parse_side

__all__ = [
    "DATE_ORDERS",
    "DEFAULT_SIDE_TOKENS",
    "MARK_CONTRADICTED",
    "MARK_UNDECIDED",
    "NO_MARK_NEEDED",
    "NO_ORDER_NEEDED",
    "ORDER_CONTRADICTED",
    "CellValue",
    "DateOrder",
    "DecimalMark",
    "ParsedAmount",
    "ParsedDate",
    "Side",
    "infer_date_order",
    "infer_decimal_mark",
    "parse_amount",
    "parse_currency",
    "parse_date",
    "parse_side",
]
