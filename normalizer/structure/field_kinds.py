"""Fixed-width fields that are not plain text: numbers with implied decimals, signed overpunch.

Bank standards write amounts as digits without a decimal mark (`000000012345` with 2 implied
decimals is 123.45), and COBOL-born ones fold the sign into the last character (CFONB:
`0000000012345{` is +123.450 with 3 decimals, `...1234J` is -...12341). The number of decimals
is fixed by the layout or stated by another field of the same record. A field is decoded to a
plain signed decimal text (`-123.45`) that every later stage reads like any amount; a field that
does not have the declared shape is left as written, so it is reported as not an amount rather
than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from normalizer.profiles.model import FieldLayout

# The last character of a signed overpunch field: its digit and whether it makes the value negative.
_OVERPUNCH = {
    **{c: (str(i), False) for i, c in enumerate("{ABCDEFGHI")},
    **{c: (str(i), True) for i, c in enumerate("}JKLMNOPQR")},
    **{str(i): (str(i), False) for i in range(10)},
}


# Longer digit runs are no bank amount (and a separated field has no width to bound it): they
# stay as written, for the amount parser to refuse.
_MAX_DIGITS = 30


def separated_values(fields: tuple[FieldLayout, ...], cells: Sequence[str], separator: str) -> dict[str, str]:
    """The named fields of one separated record (field numbers in `start`), shifts applied."""
    values: dict[str, str] = {}
    offset = 0  # places added by shifting fields with a lower number
    pending = 0  # ... by those with the current number, applied once the number grows
    number = 0
    for layout in sorted(fields, key=lambda f: f.start):
        if layout.start != number:
            offset, pending, number = offset + pending, 0, layout.start
        index = layout.start - 1 + offset
        text = separator.join(cells[index:]) if layout.to_end else _at(cells, index)
        extra = layout.shift.get(text.strip(), 0) if layout.shift else 0
        if extra:
            text = separator.join(cells[index : index + 1 + extra])
            pending = max(pending, extra)
        values[layout.name] = text.strip()  # padding only: a free text keeps its inner spaces
    return values


def _at(cells: Sequence[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def decode_fields(
    fields: tuple[FieldLayout, ...], values: dict[str, str], separator: str = ","
) -> dict[str, str]:
    """`values` (field name -> text) with every character range, number, overpunch and amount
    sum decoded."""
    if all(f.kind == "text" and f.chars is None for f in fields):
        return values
    decoded = dict(values)
    for field in fields:
        if field.name not in values:
            continue
        text = values[field.name]
        if field.chars is not None:
            text = text[field.chars[0] - 1 : field.chars[1]]
        decoded[field.name] = text if field.kind == "text" else decode(field, text, values, separator)
    return decoded


def decode(field: FieldLayout, text: str, record: Mapping[str, str], separator: str = ",") -> str:
    """One field's text as a plain signed decimal, or `text` unchanged when it does not fit."""
    decimals = _decimals(field, record)
    if decimals is None:
        return text
    if field.kind == "amount_sum":
        return _amount_sum(field, text, decimals, separator)
    raw = text.strip()
    if not raw:
        return text
    negative = False
    if field.kind == "overpunch":
        last = _OVERPUNCH.get(raw[-1])
        if last is None:
            return text
        raw, negative = raw[:-1] + last[0], last[1]
    elif raw[0] in "+-":  # a number may carry a leading sign (BAI2 balances)
        raw, negative = raw[1:], raw[0] == "-"
    number = _scaled(raw, decimals)
    if number is None:
        return text
    return f"-{number}" if negative and int(raw) else number


def _scaled(digits: str, decimals: int) -> str | None:
    """`digits` with `decimals` implied decimals as a plain decimal, None if not all digits."""
    if not (digits and len(digits) <= _MAX_DIGITS and digits.isascii() and digits.isdigit()):
        return None
    whole, fraction = (
        (digits[: len(digits) - decimals], digits[len(digits) - decimals :]) if decimals else (digits, "")
    )
    return f"{int(whole or '0')}" + (f".{fraction.rjust(decimals, '0')}" if decimals else "")


def _amount_sum(field: FieldLayout, text: str, decimals: int, separator: str) -> str:
    """The sum of the amounts of repeated groups (`group` fields, amount at `amount_at`; a
    group's last field may `shift` the next group further), or `text` if one is not a number."""
    cells = text.split(separator) if text.strip() else []
    total = Decimal(0)
    index = 0
    while index < len(cells):
        group = cells[index : index + field.group]
        amount = group[field.amount_at - 1].strip() if len(group) >= field.amount_at else ""
        sign = -1 if amount.startswith("-") else 1
        digits = amount.lstrip("+-")
        if digits:
            scaled = _scaled(digits, decimals)
            if scaled is None:
                return text
            total += sign * Decimal(scaled)
        last = group[-1].strip() if len(group) == field.group else ""
        index += field.group + field.shift.get(last, 0)
    return format(total.quantize(Decimal(1).scaleb(-decimals)), "f")


def _decimals(field: FieldLayout, record: Mapping[str, str]) -> int | None:
    if field.decimals_from is None:
        return field.decimals or 0
    stated = record.get(field.decimals_from, "").strip()
    return int(stated) if stated.isascii() and stated.isdigit() and len(stated) == 1 else None
