"""The table model every report returns and every renderer reads.

A `Table` is one or more `Section`s (the first is the report's main body) plus its
`Provenance`. Each section declares its columns and their kinds; cells hold plain Python values
of the matching type, so renderers never guess: an amount is a `Decimal`, a date a `date`.

A section's rows are a tuple of row tuples, or, for a large section, `ColumnarRows`: the same
rows kept column by column in compact arrays (`reporting.rowstore`) and made into Python values
a slice at a time. Renderers read either through `column_slices`, a block of rows at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from normalizer.sequences import LazySequence
from reporting.provenance import Provenance

ColumnKind = Literal["text", "amount", "date", "int"]
Cell = str | Decimal | dt.date | int | None
Row = tuple[Cell, ...]

_CELL_TYPES: dict[str, type | tuple[type, ...]] = {
    "text": str,
    "amount": Decimal,
    "date": dt.date,
    "int": int,
}


@dataclass(frozen=True, slots=True)
class Column:
    """A column's name (CSV/XLSX header and JSON key) and the kind of value its cells hold."""

    name: str
    kind: ColumnKind


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """Rows under one header. `totals` rows follow the body (bold in XLSX, `totals` in JSON).

    Every cell is `None` or of its column's kind (checked on construction): text is `str`,
    amount `Decimal`, date `datetime.date` (not a datetime), int `int` (not a bool). Rows given
    as `ColumnarRows` are typed by their columns (checked here against the section's kinds).
    """

    title: str
    columns: tuple[Column, ...]
    rows: Sequence[Row]
    totals: tuple[Row, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.rows, ColumnarRows):
            kinds = tuple(column.kind for column in self.columns)
            if self.rows.kinds != kinds:
                raise TypeError(f"section {self.title!r}: columns of kinds {self.rows.kinds} for {kinds}")
        else:
            for row in self.rows:
                _check_row(self.title, self.columns, row)
        for row in self.totals:
            _check_row(self.title, self.columns, row)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """A report's result: its sections, main one first, and where its figures come from."""

    sections: tuple[Section, ...]
    provenance: Provenance

    @property
    def report(self) -> str:
        return self.provenance.report

    @property
    def main(self) -> Section:
        return self.sections[0]

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.main.columns

    @property
    def rows(self) -> Sequence[Row]:
        return self.main.rows

    def section(self, title: str) -> Section:
        """The section with this title; `KeyError` if the report has none."""
        for section in self.sections:
            if section.title == title:
                return section
        raise KeyError(title)


class StoredColumn(Protocol):
    """One column of `ColumnarRows`: its kind, its length, its cells `start:stop` as values."""

    @property
    def kind(self) -> ColumnKind: ...

    def __len__(self) -> int: ...

    def values(self, start: int, stop: int) -> list[Cell]: ...


class ColumnarRows(LazySequence[Row]):
    """Rows held as columns (see `reporting.rowstore`): a read-only sequence of row tuples.

    Slicing gives a view (nothing is copied); `column_slice` gives a block of rows column by
    column, the form renderers want, without building a tuple per row. Equal to a tuple of
    the same rows, so it stands in wherever a section's rows were a tuple.
    """

    __slots__ = ("_columns", "_start", "_stop")
    item_name = "row"

    def __init__(self, columns: Sequence[StoredColumn], start: int = 0, stop: int | None = None) -> None:
        lengths = {len(column) for column in columns}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        length = lengths.pop() if lengths else 0
        self._columns = tuple(columns)
        self._start = min(max(start, 0), length)
        self._stop = length if stop is None else min(max(stop, self._start), length)

    @property
    def kinds(self) -> tuple[ColumnKind, ...]:
        return tuple(column.kind for column in self._columns)

    def __len__(self) -> int:
        return self._stop - self._start

    def _item(self, position: int) -> Row:
        return tuple(cells[0] for cells in self.column_slice(position, position + 1))

    def _span(self, start: int, stop: int) -> ColumnarRows:
        return ColumnarRows(self._columns, self._start + start, self._start + stop)

    def column_slice(self, start: int, stop: int) -> list[list[Cell]]:
        """The cells of rows `start:stop` (of this view), one list per column."""
        first = self._start + min(max(start, 0), len(self))
        last = self._start + min(max(stop, 0), len(self))
        last = max(first, last)
        return [column.values(first, last) for column in self._columns]

    def __iter__(self) -> Iterator[Row]:
        for start in range(0, len(self), _ITER_BLOCK):
            yield from zip(*self.column_slice(start, start + _ITER_BLOCK), strict=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ColumnarRows):
            return len(self) == len(other) and tuple(self) == tuple(other)
        if isinstance(other, tuple):
            return len(self) == len(other) and tuple(self) == other
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return f"ColumnarRows({len(self)} rows of {', '.join(self.kinds)})"


_ITER_BLOCK = 4096


def column_slices(rows: Sequence[Row], start: int, stop: int, width: int) -> Sequence[Sequence[Cell]]:
    """The cells of `rows[start:stop]` column by column (`width` columns, even when empty)."""
    if isinstance(rows, ColumnarRows):
        return rows.column_slice(start, stop)
    chunk = rows[start:stop]
    if not chunk:
        return [()] * width
    return list(zip(*chunk, strict=True))


def _check_row(title: str, columns: tuple[Column, ...], row: Row) -> None:
    if len(row) != len(columns):
        raise ValueError(f"section {title!r}: a row has {len(row)} cells for {len(columns)} columns")
    for column, cell in zip(columns, row, strict=True):
        if cell is None:
            continue
        expected = _CELL_TYPES[column.kind]
        wrong = (
            not isinstance(cell, expected)
            or (column.kind == "int" and isinstance(cell, bool))
            or (column.kind == "date" and isinstance(cell, dt.datetime))
        )
        if wrong:
            raise TypeError(
                f"section {title!r}, column {column.name!r} ({column.kind}): "
                f"got {type(cell).__name__} {cell!r}"
            )
