"""Amounts: one cell to an exact, signed Decimal, and a whole column to its decimal mark.

Around the number a cell may carry one sign (leading `-` `+` `−`, or a trailing `-` `−`) or
accounting parentheses `(1.00)`, and one currency, before or after, with or without a space, on
either side of the sign (`€-5`, `-€5`, `5 €-`): a symbol in any script (`$` `€` `₹` `﷼`), `US$`-
style prefixed dollars, any three upper-case letters (`USD`, `CHF`), or a currency word
(`kr`, `zł`, `руб.`, `د.إ`); see `_currencies`. Excel's accounting format writes zero as a
lone dash, so `-` reads as 0. Format characters (bidi marks RLM/LRM/ALM, isolates U+2066-2069,
zero-width spaces) are dropped first, and Arabic-Indic digits read as digits; plain ASCII
numbers never reach that step (the fast paths below).

Inside the number, the thousands separator is whichever of `,` `.` `'` `’`, space, NBSP (U+00A0)
or narrow NBSP (U+202F) is not the decimal mark; one kind per value, in groups of three after a
first group of one to three digits (which must not start with 0). Indian lakh/crore grouping
(`1,23,45,678.00`) is accepted too: it reads one way only and is what Indian ledgers print.

With no declared decimal mark a value is read both ways; it is accepted only if exactly one
reading is well formed or both give the same number (`1234`, `1 234`). `1,234` and `1.234` give
two different numbers and are an error, never a guess. Nothing here rounds or touches a float.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Literal, NamedTuple

from normalizer.result import Detected
from normalizer.values._currencies import CURRENCY, ISO_CODES, clean
from normalizer.values.cells import CellValue

DecimalMark = Literal[".", ","]

#: `infer_decimal_mark` confidences when it returns None, so the caller can say why:
NO_MARK_NEEDED = 1.0  # no value reads differently with '.' or ',' as the decimal mark
MARK_UNDECIDED = 0.5  # some values need a mark (`1,234`) and no value shows which one
MARK_CONTRADICTED = 0.0  # some values can only be read with '.', others only with ','


class ParsedAmount(NamedTuple):
    """One cell read as an amount: `value` signed and exact, or `error` saying why not.

    `value` and `error` are both None for an empty cell. `currency` is the ISO code when the cell
    names one unambiguously (`EUR`, `€`, `US$`), the symbol as written when it does not (`$`,
    `¥`, `kr`), else None. A NamedTuple rather than a dataclass because one is built per cell
    and it costs half as much.
    """

    value: Decimal | None
    currency: str | None = None
    error: str | None = None


_EMPTY = ParsedAmount(None)
_new_tuple = tuple.__new__

# Fast paths for the shapes most exports use; each accepts only values whose reading the slow
# path would give too (tests check they agree).
_FAST_DOT = re.compile(r"-?(?:[0-9]+|[1-9][0-9]{0,2}(?:,[0-9]{3})+)(?:\.[0-9]+)?")
_FAST_COMMA = re.compile(r"-?(?:[0-9]+|[1-9][0-9]{0,2}(?:\.[0-9]{3})+)(?:,[0-9]+)?")
_FAST_UNKNOWN = re.compile(
    r"-?(?:[0-9]+(?:\.[0-9]{1,2}|\.[0-9]{4,})?|[0-9]{4,}\.[0-9]+|0\.[0-9]+"
    r"|[1-9][0-9]{0,2}(?:,[0-9]{3})+\.[0-9]+)"
)

_FAST: dict[str | None, tuple[Callable[[str], re.Match[str] | None], Callable[[str], str]]] = {
    ".": (_FAST_DOT.fullmatch, lambda text: text.replace(",", "")),
    ",": (_FAST_COMMA.fullmatch, lambda text: text.replace(".", "").replace(",", ".")),
    None: (_FAST_UNKNOWN.fullmatch, lambda text: text.replace(",", "")),
}

_SIGNS = "+-−"
_MINUS_SIGNS = "-−"
# A currency is one token (no space, digit, parenthesis or sign in it) at either end; the token
# is cut with a simple character class and only then matched against the currency spellings,
# which is cheaper than searching for every spelling at every position.
_CURRENCY = re.compile(CURRENCY)
_LEADING_TOKEN = re.compile(r"[^\s\d()+\-−]+")
_TRAILING_TOKEN = re.compile(r"[^\s\d()+\-−]+\Z")
# ... and when the token is not one (`$.5`: the token is `$.`), every spelling is tried.
_LEADING_CURRENCY = re.compile(rf"({CURRENCY})\s*")
_TRAILING_CURRENCY = re.compile(rf"\s*({CURRENCY})\Z")
# Longer cells are text, not amounts; the bound also keeps the currency search linear.
_MAX_AMOUNT_CHARS = 128
_BODY = re.compile(r"[.,'’ \u00a0\u202f\u2009\u2007]*[0-9][0-9.,'’ \u00a0\u202f\u2009\u2007]*")
_PLAIN_SEPARATORS = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "’": "'"})
_DROP_SEPARATORS = str.maketrans("", "", ",.' ")
_SHAPE = str.maketrans("123456789", "111111111")


def _number_pattern(mark: DecimalMark) -> re.Pattern[str]:
    group = "[,' ]" if mark == "." else "[.' ]"
    integer = (
        "[0-9]*"
        f"|[1-9][0-9]{{0,2}}(?P<t>{group})[0-9]{{3}}(?:(?P=t)[0-9]{{3}})*"
        f"|[1-9][0-9]?(?P<i>{group})[0-9]{{2}}(?:(?P=i)[0-9]{{2}})*(?P=i)[0-9]{{3}}"
    )
    return re.compile(f"(?P<int>{integer})(?:{re.escape(mark)}(?P<frac>[0-9]*))?")


_NUMBER = {".": _number_pattern("."), ",": _number_pattern(",")}


def parse_amount(raw: CellValue, *, decimal_mark: str | None) -> ParsedAmount:
    """Read one cell as an exact, signed amount.

    `decimal_mark` is "." or "," when declared (by a profile or `infer_decimal_mark`), None when
    unknown; then a value is accepted only if it reads one way. Decimal cells pass through
    exactly; an empty or blank cell gives value None and error None; anything not an amount
    (text, a date cell, a percentage, inconsistent grouping, an ambiguous value) gives an error
    naming the value. Never rounds; a negative zero reads as zero. A decimal mark other than
    ".", "," or None is a ValueError, a cell of another type (a float) a TypeError.
    """
    if type(raw) is str:
        fast = _FAST.get(decimal_mark)
        if fast is not None and len(raw) <= _MAX_AMOUNT_CHARS and fast[0](raw):
            return _fast(Decimal(fast[1](raw)))
        return _parse_text(raw, _as_mark(decimal_mark))
    mark = _as_mark(decimal_mark)
    if isinstance(raw, str):
        return _parse_text(str(raw), mark)
    if isinstance(raw, Decimal):
        return _fast(raw) if raw.is_finite() else ParsedAmount(None, None, f"{raw} is not an amount")
    if isinstance(raw, dt.date):
        return ParsedAmount(None, None, f"{raw.isoformat()} is a date, not an amount")
    raise TypeError(f"a cell must be str, Decimal, date or datetime, not {type(raw).__name__}")


def _as_mark(decimal_mark: str | None) -> DecimalMark | None:
    if decimal_mark is None:
        return None
    if decimal_mark == ".":
        return "."
    if decimal_mark == ",":
        return ","
    raise ValueError(f"decimal_mark must be '.', ',' or None, not {decimal_mark!r}")


def _fast(value: Decimal) -> ParsedAmount:
    # tuple.__new__ directly: the NamedTuple constructor costs more than parsing the number
    return _new_tuple(ParsedAmount, (value if value else value.copy_abs(), None, None))


# Memoized: amounts with a currency or parentheses take this slower path and repeat often
# (fees, round sums). Pure, so the cache cannot change a result.
@lru_cache(maxsize=1 << 14)
def _parse_text(raw: str, mark: DecimalMark | None) -> ParsedAmount:
    text = clean(raw).strip()
    if not text:
        return _EMPTY
    if "%" in text or "‰" in text:
        return ParsedAmount(None, None, f"{text!r} is a percentage, not an amount")
    split = _split(text)
    if isinstance(split, str):
        return ParsedAmount(None, None, split)
    negative, currency, body = split
    number = _read_body(text, body, mark)
    if isinstance(number, str):
        return ParsedAmount(None, None, number)
    value = number.copy_negate() if negative and number else number
    return ParsedAmount(value, ISO_CODES.get(currency, currency) if currency else None)


def _split(text: str) -> tuple[bool, str | None, str] | str:
    """Peel sign, parentheses and currency off `text`: (negative, currency, number) or an error."""
    if len(text) > _MAX_AMOUNT_CHARS:
        return f"not an amount: {len(text):,} characters, {text[:20]!r}..."
    sign: str | None = None
    parens = False
    currency: str | None = None
    rest = text
    while rest:
        if currency is None and (found := _currency_at_an_end(rest)):
            currency, rest = found
        elif sign is None and rest[0] in _SIGNS:
            sign, rest = rest[0], rest[1:].lstrip()
        elif sign is None and rest[-1] in _MINUS_SIGNS:
            sign, rest = rest[-1], rest[:-1].rstrip()
        elif not parens and rest[0] == "(" and rest[-1] == ")":
            parens, rest = True, rest[1:-1].strip()
        else:
            break
    if sign is not None and parens:
        return f"amount {text!r} has both a sign and parentheses"
    if (not rest and sign == "-") or (rest in ("–", "—") and sign is None):
        rest = "0"  # a lone dash is how Excel's accounting format shows zero
    if not _BODY.fullmatch(rest):
        return f"not an amount: {text!r}"
    return parens or (sign is not None and sign in _MINUS_SIGNS), currency, rest.translate(_PLAIN_SEPARATORS)


def _currency_at_an_end(rest: str) -> tuple[str, str] | None:
    """(currency, the rest) when `rest` starts, else ends, with a currency."""
    found = None if rest[0].isdigit() else _leading_currency(rest)
    if found is None and not rest[-1].isdigit():
        found = _trailing_currency(rest)
    return found


def _leading_currency(rest: str) -> tuple[str, str] | None:
    """(currency, what follows it) when `rest` starts with a currency."""
    token = _LEADING_TOKEN.match(rest)
    if token is None:  # a digit, space, parenthesis or sign first: no spelling starts so
        return None
    if _CURRENCY.fullmatch(token[0]):
        return token[0], rest[token.end() :].lstrip()
    match = _LEADING_CURRENCY.match(rest)
    return None if match is None else (match[1], rest[match.end() :])


def _trailing_currency(rest: str) -> tuple[str, str] | None:
    """(currency, what precedes it) when `rest` ends with a currency."""
    token = _TRAILING_TOKEN.search(rest)
    if token is None:  # ... and none ends so
        return None
    if _CURRENCY.fullmatch(token[0]):
        return token[0], rest[: token.start()].rstrip()
    match = _TRAILING_CURRENCY.search(rest)
    return None if match is None else (match[1], rest[: match.start()])


def _read_number(body: str, mark: DecimalMark) -> Decimal | None:
    """The unsigned number `body` spells with `mark` as decimal mark, or None if it does not."""
    match = _NUMBER[mark].fullmatch(body)
    if match is None:
        return None
    digits = match["int"].translate(_DROP_SEPARATORS)
    fraction = match["frac"]
    if fraction is None:
        return Decimal(digits) if digits else None
    return Decimal(f"{digits}.{fraction}") if digits or fraction else None


def _read_body(text: str, body: str, mark: DecimalMark | None) -> Decimal | str:
    if mark is not None:
        number = _read_number(body, mark)
        if number is not None:
            return number
        if _read_number(body, "," if mark == "." else ".") is not None:
            return (
                f"amount {text!r} does not fit the decimal mark {mark!r}; "
                "check the decimal mark declared in the profile"
            )
        return f"amount {text!r} is not a well-formed number"
    dot, comma = _read_number(body, "."), _read_number(body, ",")
    if dot is None:
        return comma if comma is not None else f"amount {text!r} is not a well-formed number"
    if comma is None or dot == comma:
        return dot
    separator = "," if "," in body else "."
    grouped, decimal = (dot, comma) if separator == "," else (comma, dot)
    return (
        f"ambiguous amount {text!r}: {grouped} if {separator!r} separates thousands, {decimal} if it "
        "is the decimal mark; declare the decimal mark in the profile"
    )


def infer_decimal_mark(values: Iterable[CellValue]) -> Detected:
    """Decide a column's decimal mark from every value that can only be read one way.

    Returns "." or "," with confidence 1.0 when all such values agree. Otherwise value is None
    and the confidence says why: `NO_MARK_NEEDED` (no value depends on the mark),
    `MARK_UNDECIDED` (some values such as `1,234` need one and nothing shows which) or
    `MARK_CONTRADICTED` (values disagree; the caller should report it). Each distinct shape
    (digits 1-9 folded together) is examined once, and a contradiction stops the scan.
    """
    seen: set[str] = set()
    dot = comma = undecided = False
    for value in values:
        if type(value) is not str or ("," not in value and "." not in value):
            continue
        shape = value.translate(_SHAPE)
        if shape in seen:
            continue
        seen.add(shape)
        evidence = _evidence(shape)
        if evidence == ".":
            dot = True
        elif evidence == ",":
            comma = True
        elif evidence == "?":
            undecided = True
        if dot and comma:
            return Detected(value=None, confidence=MARK_CONTRADICTED)
    if dot or comma:
        return Detected(value="." if dot else ",", confidence=1.0)
    return Detected(value=None, confidence=MARK_UNDECIDED if undecided else NO_MARK_NEEDED)


def _evidence(text: str) -> str | None:
    """The mark "." or "," if `text` reads only with that mark, "?" if it reads two ways, else None."""
    text = clean(text).strip()
    if "%" in text:
        return None
    split = _split(text)
    if isinstance(split, str):
        return None
    body = split[2]
    dot, comma = _read_number(body, "."), _read_number(body, ",")
    if dot is None:
        return None if comma is None else ","
    if comma is None:
        return "."
    return None if dot == comma else "?"
