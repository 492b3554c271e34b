"""Exact arithmetic for report figures: any rounding is an error, never a silent change."""

from __future__ import annotations

import decimal
from contextlib import AbstractContextManager
from decimal import Decimal

from reporting.errors import ReportParameterError

ZERO = Decimal("0.00")

#: Totals of ledger amounts need ~20 digits; 100 leaves no room for a rounded sum.
_PRECISION = 100
_TRAPS = [
    decimal.Inexact,
    decimal.Rounded,
    decimal.InvalidOperation,
    decimal.DivisionByZero,
    decimal.Overflow,
    decimal.FloatOperation,
]


def exact() -> AbstractContextManager[decimal.Context]:
    """A decimal context in which an inexact or rounded result raises instead of passing."""
    return decimal.localcontext(decimal.Context(prec=_PRECISION, traps=_TRAPS))


def parse_rate(value: str | Decimal) -> Decimal:
    """A rate as a Decimal: `"0.15"`, `"15%"` or a Decimal. Floats are refused; negatives too."""
    if isinstance(value, Decimal):
        rate = value
    elif isinstance(value, str):
        text = value.strip()
        percent = text.endswith("%")
        try:
            rate = Decimal(text.removesuffix("%").strip())
        except decimal.InvalidOperation:
            raise ReportParameterError("rate", f"{value!r} is not a number like 0.15 or 15%") from None
        if percent:
            rate = rate.scaleb(-2)
    else:
        raise TypeError(f"a rate must be a Decimal or a string, not {type(value).__name__}")
    if not rate.is_finite() or rate < 0:
        raise ReportParameterError("rate", f"{value!r} must be a finite number of at least 0")
    return rate


def rate_text(rate: Decimal) -> str:
    """The rate in plain notation for provenance and labels (`0.15`, never `1.5E-1`)."""
    return format(rate.normalize(), "f") if rate != 0 else "0"
