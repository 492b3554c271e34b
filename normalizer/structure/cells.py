"""Cells and rows as the structure stages see them (the readers' `Row` satisfies `RowLike`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

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
