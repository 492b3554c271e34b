"""Dates: one cell to a `datetime.date`, and a whole column to its day/month order.

Without a pattern, text reads as: `2016-01-31` / `2016/1/31` / `2016.01.31` (year first: always
YMD, whatever `order` says); `31/01/2020`, `31.01.2020`, `31-01-2020`, `01/31/2020`, `31.01.20`
(by `order`, or by the one reading that is a valid date); `20180221` (YYYYMMDD); six digits
(by `order`: YYMMDD, DDMMYY, MMDDYY); month names in English, German, French, Spanish, Italian
and Dutch (`30 Jun 2023`, `Jun 30, 2023`, `30-JUN-23`, `1. März 2020`, `Sep 01`). A time part
(`13:45:00`, `T13:45:00Z`, `1:45 PM`, `+01:00`, `14:02:11 PST`, `-05:00[America/New_York]`) is
dropped: the date as written is kept, never shifted by a time zone. Workbook date cells give
their date; numeric cells are Excel serials.

Decisions:

- Two-digit years take the century that puts them nearest `default_year` (a tie goes to the
  earlier one); without `default_year`, the POSIX rule: 69-99 are 19xx, 00-68 are 20xx.
- `yy/mm/dd` with all parts of two digits is read year first only when `order="YMD"` is given,
  or when no day-first or month-first reading is a valid date (`99/12/31`).
- Eight digits are YYYYMMDD when that is a valid date whose year does not start with 0;
  otherwise DDMMYYYY or MMDDYYYY by `order`. For years 1232-9999 the readings cannot collide.
- Excel serials use the 1900 date system: 1 = 1900-01-01, 59 = 1900-02-28, 61 = 1900-03-01, up
  to 2958465 = 9999-12-31; a fraction (the time of day) is dropped. Serial 60 is Excel's
  1900-02-29, a day that never existed (the Lotus 1-2-3 leap-year bug): it is an error rather
  than a guess between its neighbours. A whole number of eight digits is read as YYYYMMDD.
- A pattern made only of adjacent numeric fields (`%d%m`, `%y%m%d`) is fixed width, and a
  shorter all-digit value is left-padded with zeros, because a number cell drops leading
  zeros: DATEV writes Belegdatum 03.02 as `302`, which `%d%m` reads as day 03, month 02.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Literal, NamedTuple

from normalizer.result import Detected
from normalizer.values._months import month_number
from normalizer.values._patterns import DatePattern, compile_pattern
from normalizer.values._times import MAX_DATE_CHARS, drop_time
from normalizer.values.cells import CellValue

DateOrder = Literal["YMD", "DMY", "MDY"]
#: Every order, in the preference `infer_date_order` uses when the column fits several.
DATE_ORDERS: tuple[DateOrder, ...] = ("YMD", "DMY", "MDY")

#: `infer_date_order` confidences when it returns None, so the caller can say why:
NO_ORDER_NEEDED = 1.0  # no value's reading depends on the order (ISO dates, month names, ...)
ORDER_CONTRADICTED = 0.0  # some values can only be read in one order, others only in another


class ParsedDate(NamedTuple):
    """One cell read as a date: `value`, or `error` saying why not (both None when empty).

    A NamedTuple rather than a dataclass because one is built per cell.
    """

    value: dt.date | None
    error: str | None = None


_EMPTY = ParsedDate(None)
_SERIAL_MAX = 2958465  # 9999-12-31
_EPOCH_BEFORE_BUG = dt.date(1899, 12, 31)  # serial 1 is 1900-01-01
_EPOCH_AFTER_BUG = dt.date(1899, 12, 30)  # serial 61 is 1900-03-01: Excel counted 1900-02-29

_SEPARATED = re.compile(r"([0-9]{1,4})([-/.])([0-9]{1,2})\2([0-9]{1,4})")
_NAMED = re.compile(r"(?:[^\W\d_]|[0-9\s,.'’/-])+")
_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+")
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th", "er"})  # 1st, 2nd, 3rd, 4th, 1er
_FILLERS = frozenset({"de", "of"})  # "3 de febrero de 2021", "3rd of March 2021"

_Parts = tuple[str, str, str]  # year, month, day as written


class _Shape(NamedTuple):
    """The readings of an all-numeric date: one fixed reading, or one per order."""

    fixed: _Parts | None
    readings: dict[DateOrder, _Parts]
    year_first: _Parts | None = None  # yy/mm/dd: only if declared or nothing else is valid


def parse_date(
    raw: CellValue,
    *,
    order: DateOrder | None = None,
    pattern: str | None = None,
    default_year: int | None = None,
) -> ParsedDate:
    """Read one cell as a date (a datetime keeps its date; nothing is shifted by time zone).

    `order` is the column's order (from a profile or `infer_date_order`); without it a value is
    accepted only when it reads as one date. `pattern` (strptime-like, from a profile) replaces
    the free-form reading. `default_year` supplies the year to values and patterns without one
    (`Sep 01`, `%d%m`) and picks the century of two-digit years. An empty cell gives value None
    and error None; anything else that is not a date gives an error naming the value. A
    malformed `order` or `pattern` is a ValueError: it is configuration, not data.
    """
    if type(raw) is str:
        return _parse_text(raw, order, pattern, default_year)
    if isinstance(raw, dt.datetime):
        return ParsedDate(raw.date())
    if isinstance(raw, dt.date):
        return ParsedDate(raw)
    if isinstance(raw, Decimal):
        return _parse_number(raw, order, pattern, default_year)
    if isinstance(raw, str):
        return _parse_text(str(raw), order, pattern, default_year)
    raise TypeError(f"a cell must be str, Decimal, date or datetime, not {type(raw).__name__}")


# Memoized because a ledger repeats the same few thousand dates; pure, so the cache cannot
# change a result.
@lru_cache(maxsize=1 << 14)
def _parse_text(
    raw: str, order: DateOrder | None, pattern: str | None, default_year: int | None
) -> ParsedDate:
    if order is not None and order not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {', '.join(DATE_ORDERS)}, not {order!r}")
    text = raw.strip()
    if not text:
        return _EMPTY
    if len(text) > MAX_DATE_CHARS:
        return ParsedDate(None, f"{len(text):,} characters, {text[:20]!r}...: too long to be a date")
    if pattern is not None:
        result = _read_pattern(text, compile_pattern(pattern), default_year)
    else:
        date_text = drop_time(text) if ":" in text else text
        result = (
            "has a time that is not valid" if date_text is None else _read(date_text, order, default_year)
        )
    return ParsedDate(result) if isinstance(result, dt.date) else ParsedDate(None, f"date {text!r} {result}")


def _parse_number(
    raw: Decimal, order: DateOrder | None, pattern: str | None, default_year: int | None
) -> ParsedDate:
    if not raw.is_finite():
        return ParsedDate(None, f"{raw} is not a date")
    whole = raw == raw.to_integral_value()
    if pattern is not None or (whole and raw >= 10_000_000):
        if not whole or raw < 0:
            return ParsedDate(None, f"{raw} is not a date")
        return _parse_text(str(int(raw)), order, pattern, default_year)
    if raw < 1 or raw >= _SERIAL_MAX + 1:
        return ParsedDate(
            None, f"{raw} is not an Excel date serial (1 = 1900-01-01 ... 2958465 = 9999-12-31)"
        )
    serial = int(raw)  # the date part; the fraction is the time of day
    if serial == 60:
        return ParsedDate(
            None, "Excel serial 60 is 1900-02-29, a day that does not exist (Excel's leap-year bug)"
        )
    epoch = _EPOCH_BEFORE_BUG if serial < 60 else _EPOCH_AFTER_BUG
    return ParsedDate(epoch + dt.timedelta(days=serial))


@lru_cache(maxsize=1 << 14)
def _read(text: str, order: DateOrder | None, default_year: int | None) -> dt.date | str:
    """The date `text` spells, or why not (a phrase that follows the quoted value)."""
    shape = _shape(text)
    if shape is not None:
        return _resolve(shape, order, default_year)
    named = _read_named(text, order, default_year)
    if named is not None:
        return named
    if text.isascii() and text.isdigit() and len(text) in (3, 4):
        return "is not a date we can read; declare a date pattern such as %d%m in the profile"
    return "is not a date we can read"


def _shape(text: str) -> _Shape | None:
    match = _SEPARATED.fullmatch(text)
    if match is not None:
        return _separated_shape(*match.group(1, 3, 4))
    if text.isascii() and text.isdigit():
        return _compact_shape(text)
    return None


def _separated_shape(first: str, second: str, third: str) -> _Shape | None:
    if len(first) == 4 and len(third) <= 2:
        return _Shape((first, second, third), {})
    if len(first) > 2 or len(third) not in (2, 4):
        return None
    readings: dict[DateOrder, _Parts] = {"DMY": (third, second, first), "MDY": (third, first, second)}
    year_first = (first, second, third) if len(third) == 2 and len(first) == 2 else None
    return _Shape(None, readings, year_first)


def _compact_shape(text: str) -> _Shape | None:
    if len(text) == 8:
        ymd = (text[:4], text[4:6], text[6:])
        if text[0] != "0" and isinstance(_build(ymd, None), dt.date):
            return _Shape(ymd, {})
        return _Shape(None, {"DMY": (text[4:], text[2:4], text[:2]), "MDY": (text[4:], text[:2], text[2:4])})
    if len(text) == 6:
        return _Shape(
            None,
            {
                "YMD": (text[:2], text[2:4], text[4:]),
                "DMY": (text[4:], text[2:4], text[:2]),
                "MDY": (text[4:], text[:2], text[2:4]),
            },
        )
    return None


def _resolve(shape: _Shape, order: DateOrder | None, default_year: int | None) -> dt.date | str:
    if shape.fixed is not None:
        built = _build(shape.fixed, default_year)
        return built if isinstance(built, dt.date) else f"is not a valid date ({built})"
    if order is not None:
        parts = shape.readings.get(order) or (shape.year_first if order == "YMD" else None)
        if parts is not None:
            built = _build(parts, default_year)
            return built if isinstance(built, dt.date) else f"is not a valid {order} date ({built})"
    valid = {
        name: built
        for name, parts in shape.readings.items()
        if isinstance(built := _build(parts, default_year), dt.date)
    }
    dates = sorted(set(valid.values()))
    if len(dates) == 1:
        return dates[0]
    if len(dates) > 1:
        readings = " or ".join(f"{built.isoformat()} ({name})" for name, built in valid.items())
        return f"is ambiguous: {readings}; declare the date order in the profile"
    if shape.year_first is not None:
        built = _build(shape.year_first, default_year)
        if isinstance(built, dt.date):
            return built
    return "is not a valid date"


def _build(parts: _Parts, default_year: int | None) -> dt.date | str:
    year_text, month_text, day_text = parts
    year = int(year_text) if len(year_text) == 4 else _century(int(year_text), default_year)
    return _make(year, int(month_text), int(day_text))


def _make(year: int, month: int, day: int) -> dt.date | str:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        return str(exc)


def _century(year: int, default_year: int | None) -> int:
    """The four-digit year of a two-digit `year` (see the module's decisions)."""
    if default_year is None:
        return year + (2000 if year <= 68 else 1900)
    same = default_year - default_year % 100 + year
    return min((same - 100, same, same + 100), key=lambda full: (abs(full - default_year), full))


def _read_named(text: str, order: DateOrder | None, default_year: int | None) -> dt.date | str | None:
    """A date with a month name, or why not; None if `text` has no single month name."""
    tokens = _named_tokens(text)
    if tokens is None:
        return None
    numbers, numbers_before, month = tokens
    if len(numbers) == 1:
        if len(numbers[0]) > 2:
            return "has no day"
        if default_year is None:
            return "has no year; declare the fiscal year (default year) in the profile"
        built = _make(default_year, month, int(numbers[0]))
    else:
        first, second = numbers
        if len(first) == 4 and len(second) <= 2:
            year_text, day_text = first, second
        elif len(first) <= 2 and len(second) in (2, 4) and numbers_before < 2:
            year_first = order == "YMD" and numbers_before == 1 and len(first) == 2 and len(second) == 2
            year_text, day_text = (first, second) if year_first else (second, first)
        else:
            return None
        built = _build((year_text, str(month), day_text), default_year)
    return built if isinstance(built, dt.date) else f"is not a valid date ({built})"


def _named_tokens(text: str) -> tuple[list[str], int, int] | None:
    """(numbers, how many come before the month name, month) of a one-month-name date."""
    if not _NAMED.fullmatch(text):
        return None
    tokens = _TOKEN.findall(text)
    months: list[tuple[int, int]] = []
    numbers: list[str] = []
    for index, token in enumerate(tokens):
        if token.isdigit():
            numbers.append(token)
        elif (month := month_number(token)) is not None:
            months.append((len(numbers), month))
        elif token.casefold() in _FILLERS:
            continue
        elif not (token.casefold() in _ORDINAL_SUFFIXES and index and tokens[index - 1].isdigit()):
            return None
    if len(months) != 1 or not 1 <= len(numbers) <= 2:
        return None
    return numbers, months[0][0], months[0][1]


def _read_pattern(text: str, pattern: DatePattern, default_year: int | None) -> dt.date | str:
    if pattern.width is not None and text.isascii() and text.isdigit() and len(text) < pattern.width:
        text = text.zfill(pattern.width)  # a number cell dropped the leading zeros
    match = pattern.regex.fullmatch(text)
    if match is None and ":" in text and (date_text := drop_time(text)):
        match = pattern.regex.fullmatch(date_text)
    if match is None:
        return f"does not match the date pattern {pattern.pattern!r}"
    fields = match.groupdict()
    month = int(fields["month"]) if fields.get("month") else month_number(fields.get("name") or "")
    if month is None:
        return f"has an unknown month name {fields.get('name')!r}"
    if fields.get("year"):
        year = int(fields["year"])
    elif fields.get("yy"):
        year = _century(int(fields["yy"]), default_year)
    elif default_year is not None:
        year = default_year
    else:
        return f"has no year and the pattern {pattern.pattern!r} gives none; declare the year (default year)"
    built = _make(year, month, int(fields["day"]))
    return built if isinstance(built, dt.date) else f"is not a valid date ({built})"


def infer_date_order(values: Iterable[CellValue]) -> Detected:
    """Decide a column's date order from the values whose reading depends on it.

    Every such value narrows the orders it fits (`31/01/2020` fits only DMY). If one order
    remains: that order, confidence 1.0. If several remain (every day and month part <= 12):
    the one under which the column's dates span the shortest period (a ledger covers a period;
    the wrong order scatters its dates over months), then the first in `DATE_ORDERS`, with
    confidence 1 / their number (0.5 for two) so the caller reports it. If none remains: value
    None, confidence `ORDER_CONTRADICTED`. If no value depends on the order: "YMD" (confidence
    1.0) when some value is year-first, else None with `NO_ORDER_NEEDED`. Each distinct date
    text is examined once; a contradiction stops the scan.
    """
    seen: set[str] = set()
    fits = frozenset(DATE_ORDERS)
    dependent: list[str] = []
    year_first = False
    for value in values:
        if type(value) is not str:
            continue
        head = value.strip().partition(" ")[0]  # the date part of most datetimes
        if head in seen:
            continue
        seen.add(head)
        orders = _fitting_orders(head)
        if orders is None:
            continue
        if orders == "fixed":
            year_first = True
            continue
        dependent.append(head)
        fits &= orders
        if not fits:
            return Detected(value=None, confidence=ORDER_CONTRADICTED)
    if dependent:
        candidates = [name for name in DATE_ORDERS if name in fits]
        best = (
            min(candidates, key=lambda name: _span_days(dependent, name))
            if len(candidates) > 1
            else candidates[0]
        )
        return Detected(value=best, confidence=1.0 / len(fits))
    return Detected(value="YMD" if year_first else None, confidence=NO_ORDER_NEEDED)


def _span_days(texts: list[str], order: DateOrder) -> int:
    """How many days the dates `texts` spell in `order` span."""
    dates = [
        built for text in texts if isinstance(built := _read(drop_time(text) or "", order, None), dt.date)
    ]
    return (max(dates) - min(dates)).days if dates else 0


def _fitting_orders(text: str) -> frozenset[DateOrder] | Literal["fixed"] | None:
    """The orders `text` is a valid date in; "fixed" if it fixes its own; None if not a date."""
    date_text = drop_time(text.strip())
    shape = _shape(date_text) if date_text else None
    if shape is None:
        return None
    if shape.fixed is not None:
        return "fixed" if isinstance(_build(shape.fixed, None), dt.date) else None
    fits = frozenset(
        name for name, parts in shape.readings.items() if isinstance(_build(parts, None), dt.date)
    )
    if not fits and shape.year_first is not None and isinstance(_build(shape.year_first, None), dt.date):
        fits = frozenset({"YMD"})
    return fits or None
