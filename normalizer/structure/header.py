"""Find the header row past preamble lines, and the sheet of a workbook that holds the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from normalizer.mapping import header_score, match_header
from normalizer.structure.cells import RowLike, cell_at, is_blank

#: Header rows are looked for among the first rows only: preambles (blank and delimiter-only
#: rows, key/value metadata, titles) are short. Blank rows score 0, so they never win.
HEADER_SEARCH_ROWS = 100
_SAMPLE_ROWS = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class HeaderChoice:
    """The header row chosen: its index in the sheet's rows, its score and how sure we are."""

    index: int
    row_number: int
    score: int
    confidence: float


def find_header(rows: Sequence[RowLike]) -> HeaderChoice | None:
    """The earliest row with the best header score among the first rows, or None.

    The score counts distinct record fields whose synonyms the row's cells match, and is 0 for
    a row that names no amount column, so a title line never wins.
    """
    best: HeaderChoice | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = header_score(row.cells)
        if score and (best is None or score > best.score):
            confidence = min(1.0, 0.4 + 0.15 * score)
            best = HeaderChoice(index=index, row_number=row.number, score=score, confidence=confidence)
    return best


def ledger_row_count(rows: Sequence[RowLike], header: HeaderChoice) -> int:
    """How many of the (first) rows below the header carry a value in an amount column."""
    header_cells = rows[header.index].cells
    amount_columns = [
        i
        for i, cell in enumerate(header_cells)
        if isinstance(cell, str)
        and (m := match_header(cell)) is not None
        and m[0] in ("debit", "credit", "amount", "gross", "net")
    ]
    below = rows[header.index + 1 : header.index + 1 + _SAMPLE_ROWS]
    return sum(1 for row in below if any(not is_blank(cell_at(row.cells, i)) for i in amount_columns))
