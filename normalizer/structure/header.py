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


def words_header(rows: Sequence[RowLike]) -> HeaderChoice | None:
    """A header in words the vocabulary does not know: the first row whose cells (at least two,
    and half the table's width) are all words -- no date, no amount -- above a row that holds
    a date or an amount under them. Its columns' roles then come from their content."""
    from normalizer.roles.content import amount_of, is_date

    head = rows[:HEADER_SEARCH_ROWS]
    width = max((len(r.cells) for r in head), default=0)
    filled = [[i for i, c in enumerate(r.cells) if not is_blank(c)] for r in head]
    for index, row in enumerate(head[:-1]):
        cells = [row.cells[i] for i in filled[index]]
        if len(cells) < max(2, (width + 1) // 2):
            continue
        if not all(isinstance(c, str) and not is_date(c) and amount_of(c) is None for c in cells):
            continue
        below = next((n for n in range(index + 1, len(head)) if filled[n]), None)
        if below is None:
            return None
        under = [cell_at(head[below].cells, i) for i in filled[index]]
        if any(is_date(c) or amount_of(c) is not None for c in under):
            return HeaderChoice(index=index, row_number=row.number, score=0, confidence=0.5)
        return None
    return None


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
