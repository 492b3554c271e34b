"""Row kinds: what each row below the header is, so only ledger lines become records."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from normalizer.mapping import normalize_header
from normalizer.structure.cells import Cell, RowLike, cell_text

#: Labels of subtotal and total rows, in the languages the synonyms cover.
DEFAULT_TOTAL_LABEL = (
    r"(?i)^\s*(grand\s+|sub\s*-?\s*)?totals?\b|^\s*(zwischen)?summen?\b|^\s*gesamt|^\s*totales?\b"
    r"|^\s*totaal\b|^\s*(sous-)?total\b|^\s*somme\b"
)


class RowKind(StrEnum):
    BLANK = "blank"
    HEADER = "header"  # a header repeated (page headers, per-account blocks)
    GROUP = "group"  # a section title such as `Account: 101 - Cash` or a date range
    TOTAL = "total"  # a subtotal or total row; its figures are checked
    NOTE = "note"  # only text in a description column: belongs to the lines above it
    SKIPPED = "skipped"  # matched a profile skip rule
    DATA = "data"


@dataclass(frozen=True, slots=True, kw_only=True)
class Classifier:
    """Decides the kind of each row from the header, the amount columns and the profile rules."""

    header_keys: tuple[str, ...]
    amount_columns: tuple[int, ...]
    description_columns: tuple[int, ...]
    ignored_columns: frozenset[int]
    total_label: re.Pattern[str]
    skip: tuple[tuple[int, re.Pattern[str]], ...] = ()

    def classify(self, cells: Sequence[Cell]) -> RowKind:
        filled = [
            (i, text)
            for i, cell in enumerate(cells)
            if i not in self.ignored_columns and (text := cell_text(cell))
        ]
        if not filled:
            return RowKind.BLANK
        if any(c < len(cells) and p.search(cell_text(cells[c])) for c, p in self.skip):
            return RowKind.SKIPPED
        return RowKind.HEADER if self._is_header(filled) else self._content_kind(filled)

    def _content_kind(self, filled: list[tuple[int, str]]) -> RowKind:
        first_column, first_text = filled[0]
        if first_column not in self.amount_columns and self.total_label.search(first_text):
            return RowKind.TOTAL
        if any(i in self.amount_columns for i, _ in filled):
            return RowKind.DATA
        if len(filled) == 1:
            return RowKind.NOTE if first_column in self.description_columns else RowKind.GROUP
        return RowKind.DATA

    def _is_header(self, filled: list[tuple[int, str]]) -> bool:
        keys = self.header_keys
        if not keys:
            return False
        same = sum(1 for i, text in filled if i < len(keys) and keys[i] and normalize_header(text) == keys[i])
        wanted = max(2, (sum(1 for k in keys if k) + 1) // 2)
        return same >= wanted


def index_columns(headers: Sequence[str], rows: Sequence[RowLike], *, sample: int = 200) -> frozenset[int]:
    """Unnamed columns that only count rows (a spreadsheet's saved row index): 0, 1, 2, ...

    They stay in the attributes but are ignored when telling group rows from ledger lines.
    """
    found = set()
    for column, header in enumerate(headers):
        if header:
            continue
        values = [
            r.cells[column] for r in rows[:sample] if column < len(r.cells) and cell_text(r.cells[column])
        ]
        if len(values) >= 2 and all(isinstance(v, Decimal) and v == v.to_integral_value() for v in values):
            numbers = [v for v in values if isinstance(v, Decimal)]
            if all(b > a for a, b in pairwise(numbers)):
                found.add(column)
    return frozenset(found)
