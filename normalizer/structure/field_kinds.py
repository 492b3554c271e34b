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

from collections.abc import Mapping

from normalizer.profiles.model import FieldLayout

# The last character of a signed overpunch field: its digit and whether it makes the value negative.
_OVERPUNCH = {
    **{c: (str(i), False) for i, c in enumerate("{ABCDEFGHI")},
    **{c: (str(i), True) for i, c in enumerate("}JKLMNOPQR")},
    **{str(i): (str(i), False) for i in range(10)},
}


def decode_fields(fields: tuple[FieldLayout, ...], values: dict[str, str]) -> dict[str, str]:
    """`values` (field name -> text) with every number or overpunch field decoded."""
    if all(f.kind == "text" for f in fields):
        return values
    decoded = dict(values)
    for field in fields:
        if field.kind != "text" and field.name in values:
            decoded[field.name] = decode(field, values[field.name], values)
    return decoded


def decode(field: FieldLayout, text: str, record: Mapping[str, str]) -> str:
    """One field's text as a plain signed decimal, or `text` unchanged when it does not fit."""
    raw = text.strip()
    decimals = _decimals(field, record)
    if not raw or decimals is None:
        return text
    negative = False
    if field.kind == "overpunch":
        last = _OVERPUNCH.get(raw[-1])
        if last is None:
            return text
        raw, negative = raw[:-1] + last[0], last[1]
    if not (raw.isascii() and raw.isdigit()):
        return text
    whole, fraction = (raw[: len(raw) - decimals], raw[len(raw) - decimals :]) if decimals else (raw, "")
    number = f"{int(whole or '0')}" + (f".{fraction.rjust(decimals, '0')}" if decimals else "")
    return f"-{number}" if negative and int(raw) else number


def _decimals(field: FieldLayout, record: Mapping[str, str]) -> int | None:
    if field.decimals_from is None:
        return field.decimals or 0
    stated = record.get(field.decimals_from, "").strip()
    return int(stated) if stated.isascii() and stated.isdigit() and len(stated) == 1 else None
