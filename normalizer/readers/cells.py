"""Workbook cell values (as the Excel parsers give them) to `CellValue`s.

Numbers become `Decimal`s once, here: `Decimal(repr(x))` is the shortest text that round-trips
the binary float, i.e. what Excel displays, and an integral float is a plain integer
(421000.0 -> Decimal(421000)). Booleans become "TRUE"/"FALSE" as Excel shows them; times of
day and durations become text; dates and datetimes stay as they are.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from normalizer.readers.model import CellValue

_EXACT_INTEGERS = 2.0**53


def number(value: float) -> CellValue:
    """A workbook number as a Decimal; "#NUM!" for a NaN or infinity (no Excel value is one)."""
    if not math.isfinite(value):
        return "#NUM!"
    if value.is_integer() and abs(value) < _EXACT_INTEGERS:
        return Decimal(int(value))
    return Decimal(repr(value))


def _integer(value: int) -> CellValue:
    return Decimal(value)


def _boolean(value: bool) -> CellValue:
    return "TRUE" if value else "FALSE"


def _time(value: dt.time) -> CellValue:
    return value.isoformat()


def _duration(value: dt.timedelta) -> CellValue:
    seconds = round(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    minutes, second = divmod(abs(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{sign}{hours}:{minute:02d}:{second:02d}"


def _same(value: Any) -> CellValue:
    return value  # type: ignore[no-any-return]


_CONVERT: dict[type, Callable[[Any], CellValue]] = {
    str: _same,
    float: number,
    int: _integer,
    bool: _boolean,
    dt.date: _same,
    dt.datetime: _same,
    dt.time: _time,
    dt.timedelta: _duration,
}


def convert_row(values: list[Any]) -> tuple[CellValue, ...]:
    """One row of parser values as cells; "" stays "" (an empty cell)."""
    convert = _CONVERT
    return tuple(
        (value.replace("\x00", "\ufffd") if "\x00" in value else value)  # see text._replace_nul
        if type(value) is str
        else convert.get(type(value), str)(value)
        for value in values
    )
