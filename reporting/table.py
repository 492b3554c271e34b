"""The table model every report returns and every renderer reads.

A `Table` is one or more `Section`s (the first is the report's main body) plus its
`Provenance`. Each section declares its columns and their kinds; cells hold plain Python values
of the matching type, so renderers never guess: an amount is a `Decimal`, a date a `date`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

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
    amount `Decimal`, date `datetime.date` (not a datetime), int `int` (not a bool).
    """

    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    totals: tuple[Row, ...] = ()

    def __post_init__(self) -> None:
        for row in (*self.rows, *self.totals):
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
    def rows(self) -> tuple[Row, ...]:
        return self.main.rows

    def section(self, title: str) -> Section:
        """The section with this title; `KeyError` if the report has none."""
        for section in self.sections:
            if section.title == title:
                return section
        raise KeyError(title)


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
