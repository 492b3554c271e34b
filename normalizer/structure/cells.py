"""Cells and rows as the structure stages see them (the readers' `Row` satisfies `RowLike`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, overload

#: What a reader puts in a cell: "" for empty, str for text, Decimal / date / datetime for
#: typed workbook cells.
Cell = str | Decimal | dt.date


class RowLike(Protocol):
    @property
    def number(self) -> int: ...

    @property
    def cells(self) -> Sequence[Cell]: ...

    @property
    def kind(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class PlainRow:
    """A row built by the normalizer itself (flattened fixed-width records, tests)."""

    number: int
    cells: tuple[Cell, ...]
    kind: str | None = None


def cell_text(value: Cell) -> str:
    """A cell as text: stripped strings, plain decimals (`421000.0` -> `421000`), ISO dates."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    return value.isoformat()


def cell_at(cells: Sequence[Cell], index: int) -> Cell:
    """The cell at `index`, or "" when the row is shorter."""
    return cells[index] if index < len(cells) else ""


def is_blank(value: Cell) -> bool:
    return isinstance(value, str) and not value.strip()


class RowSubset(Sequence[RowLike]):
    """The rows of `rows` at `positions` (ascending), without holding them.

    The general path picks rows out of a sheet (the ledger lines, the lines above a total) and
    reads them again later; over `TextRows` each is parsed again on demand, so a pick of
    millions of rows costs 8 bytes a row.
    """

    __slots__ = ("_positions", "_rows")

    def __init__(self, rows: Sequence[RowLike], positions: Sequence[int]) -> None:
        self._rows = rows
        self._positions = positions

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> RowLike: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[RowLike]: ...

    def __getitem__(self, index: int | slice) -> RowLike | Sequence[RowLike]:
        if isinstance(index, slice):
            return RowSubset(self._rows, self._positions[index])
        return self._rows[self._positions[index]]

    def __iter__(self) -> Iterator[RowLike]:
        rows = self._rows
        for position in self._positions:
            yield rows[position]
