"""What a reader returns (`Workbook` of `Sheet`s of `Row`s) and what it is told (`ReadOptions`)."""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from normalizer.readers.limits import Limits
from normalizer.result import Detected, Issue

#: One cell. "" is an empty cell; Decimal only for numeric cells of workbooks; date/datetime
#: only for date cells of workbooks. Text files give str only.
CellValue = str | Decimal | dt.date | dt.datetime

#: Characters that can never be a field delimiter.
_NOT_DELIMITERS = frozenset('"\r\n')


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """One record of the source, as cells.

    `number` is the 1-based physical line where the record starts (text) or the 1-based sheet
    row (workbooks). `kind` is the record type of a fixed-width line (e.g. "22"), else None.
    """

    number: int
    cells: tuple[CellValue, ...]
    kind: str | None = None


_new = object.__new__
_set_number = Row.__dict__["number"].__set__
_set_cells = Row.__dict__["cells"].__set__
_set_kind = Row.__dict__["kind"].__set__


def new_row(number: int, cells: tuple[CellValue, ...], kind: str | None = None) -> Row:
    """`Row(number=number, cells=cells, kind=kind)`, at half the cost.

    The frozen dataclass `__init__` costs more than the `csv` module spends parsing a line;
    readers that build millions of rows use this instead. The result is an ordinary `Row`.
    """
    row: Row = _new(Row)
    _set_number(row, number)
    _set_cells(row, cells)
    _set_kind(row, kind)
    return row


@dataclass(frozen=True, slots=True, kw_only=True)
class Sheet:
    """The rows of one worksheet (name None for a text file) in source order.

    `headers_by_kind` is filled for fixed-width files only: the field names of each record
    type's layout, in the order of the cells of rows of that kind.
    """

    name: str | None
    rows: Sequence[Row]  # a tuple, or `TextRows` for delimited text (parsed on demand)
    headers_by_kind: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Workbook:
    """Everything read from one file.

    `container` is "delimited", "fixed-width", "xlsx", "ods" or "xls"; `detected` holds
    "container", and "encoding" and "delimiter" where they apply. `issues` are notes about the
    bytes themselves (an invalid UTF-8 sequence replaced), one per place.
    """

    container: str
    sheets: tuple[Sheet, ...]
    detected: dict[str, Detected]
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class FixedWidthField:
    """A field of a fixed-width record: 1-based, inclusive character columns."""

    name: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 1 or self.end < self.start:
            raise ValueError(
                f"fixed-width field {self.name!r}: columns {self.start}-{self.end}"
                " are not 1-based and ordered"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class FixedWidthLayout:
    """The layout of a fixed-width file.

    `type_start`/`type_end` (1-based, inclusive) locate the record type code, or are both None
    when every line has the same layout; `records` maps a type code to its fields (key "" when
    there is no type field).

    With a `separator` the records are not fixed width but separated (BAI2: `16,165,1500,Z/`):
    each record's cells are its fields, `type_start` is the number of the field holding the
    type, a trailing `terminator` is dropped, and a `continuation` record (BAI2 `88`) adds its
    fields to the record before it. With a `record_length`, a line that is a whole number of
    records (a file written without line breaks) is cut into them; they are numbered as lines.
    """

    type_start: int | None
    type_end: int | None
    records: dict[str, tuple[FixedWidthField, ...]]
    separator: str | None = None
    terminator: str = ""
    continuation: str | None = None
    # Fixed width: records this long may also come without line breaks, one after another.
    record_length: int | None = None

    def __post_init__(self) -> None:
        if (self.type_start is None) != (self.type_end is None):
            raise ValueError("fixed-width layout: give both type_start and type_end, or neither")
        if self.type_start is not None and (self.type_start < 1 or (self.type_end or 0) < self.type_start):
            raise ValueError(
                f"fixed-width layout: type columns {self.type_start}-{self.type_end} are invalid"
            )
        if self.type_start is None and set(self.records) != {""}:
            raise ValueError('fixed-width layout without a type field must have exactly one record, keyed ""')


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadOptions:
    """What the caller (a profile or the user) already knows; each given value wins over detection.

    `sheet` selects one worksheet by name or 0-based index (workbooks only); `fixed_width`
    makes a text file be read as fixed-width records.
    """

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int | None = None
    fixed_width: FixedWidthLayout | None = None
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        if self.delimiter is not None and (len(self.delimiter) != 1 or self.delimiter in _NOT_DELIMITERS):
            raise ValueError(
                f"delimiter must be one character other than a quote or newline, not {self.delimiter!r}"
            )
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ValueError(f"unknown encoding {self.encoding!r}") from None
        if isinstance(self.sheet, bool) or (isinstance(self.sheet, int) and self.sheet < 0):
            raise ValueError(f"sheet must be a name or a 0-based index, not {self.sheet!r}")
