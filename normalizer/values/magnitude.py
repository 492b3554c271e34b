"""Whether a parsed amount fits a record exactly.

A record keeps every amount in canonical form (`record.canonical_amount`: at least two
decimals), computed in Decimal's default context of 28 significant digits. An amount with 27
or more integer digits ("1e26" in a workbook, a run of digits in a CSV) cannot be quantized
there, and one with more than 28 significant digits would be rounded: both are row errors,
decided before a record is built.
"""

from __future__ import annotations

from decimal import Decimal

#: Two decimals are always kept: 26 integer digits + 2 = the context's 28.
MAX_INTEGER_DIGITS = 26
MAX_DIGITS = 28


def oversized(value: Decimal) -> str | None:
    """Why `value` cannot be a record amount exactly (a one-line message), or None if it can."""
    if not value.is_finite():
        return "the amount is not a finite number"
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    significant = len(digits)
    while significant > 1 and digits[significant - 1] == 0:
        significant -= 1
        exponent += 1
    integer_digits = max(0, significant + exponent)
    if integer_digits > MAX_INTEGER_DIGITS:
        return (
            f"the amount has {integer_digits:,} digits before the decimal mark, more than a ledger"
            f" amount can hold ({MAX_INTEGER_DIGITS})"
        )
    if significant > MAX_DIGITS:
        return (
            f"the amount has {significant:,} significant digits, more than can be kept exactly ({MAX_DIGITS})"
        )
    return None
