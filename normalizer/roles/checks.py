"""File-level findings of role detection: a missing date column, money columns that disagree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from normalizer.result import Issue
from normalizer.roles.content import SAMPLE_ROWS, ColumnContent, amount_of
from normalizer.roles.vocabulary import vocabulary
from normalizer.structure.cells import RowLike, cell_at, cell_text

_ZERO = Decimal(0)


def no_date_issue(fields: Mapping[str, tuple[int, ...]]) -> list[Issue]:
    """One file-level note for a table without a date column (ERP line-item tables)."""
    if fields.get("posted_on"):
        return []
    return [
        Issue(
            row=None,
            column=None,
            raw=None,
            message="the file has no date column; records have no posting date. Name the date "
            "column with a profile if it has one",
            severity="warning",
            code="no-date-column",
        )
    ]


def demote_line_ids(
    fields: dict[str, tuple[int, ...]],
    contents: Sequence[ColumnContent | None],
    notes: dict[int, str],
    *,
    whole: bool,
) -> None:
    """A `journal` column whose every value differs in the whole table is a per-line id (a
    statement's transaction id), not a journal that groups lines: it becomes the reference, or
    an attribute. Only when the sample is the whole table: a journal's lines need not be
    adjacent, so distinct values in the first rows prove nothing."""
    column = fields.get("journal", (None,))[0]
    content = contents[column] if column is not None and column < len(contents) else None
    if not whole or column is None or content is None:
        return
    if content.filled < 3 or content.distinct < content.filled:
        return
    del fields["journal"]
    notes[column] = "every value differs: a line id, not a journal"
    if "reference" not in fields:
        fields["reference"] = (column,)


def disagreeing_signs(
    sample: Sequence[RowLike],
    *,
    debit: int,
    credit: int,
    other: int,
    other_name: str,
    kind: str,
) -> list[Issue]:
    """One warning when a dropped signed-amount or side column disagrees with debit/credit.

    Agreement may run either way (some files sign credits positive); a mix of both is the
    disagreement: then one of the two readings is wrong and the debit/credit columns are used.
    """
    same = opposite = 0
    first_row = None
    for row in sample[:SAMPLE_ROWS]:
        placed = _placed(row, debit, credit)
        says = _says(cell_at(row.cells, other), kind)
        if placed is None or says is None:
            continue
        if placed == says:
            same += 1
        else:
            opposite += 1
            first_row = first_row or row.number
    if not (same and opposite):
        return []
    return [
        Issue(
            row=None,
            column=other_name,
            raw=None,
            message=f"the {kind} column '{other_name}' disagrees with the debit and credit columns "
            f"on {min(same, opposite)} of {same + opposite} sampled rows (first at row {first_row}); "
            "the debit and credit columns are used",
            severity="warning",
            code="disagreeing-signs",
        )
    ]


def _placed(row: RowLike, debit: int, credit: int) -> bool | None:
    d, c = amount_of(cell_at(row.cells, debit)), amount_of(cell_at(row.cells, credit))
    has_d, has_c = bool(d), bool(c)
    if has_d == has_c:
        return None
    return has_d


def _says(cell: object, kind: str) -> bool | None:
    if kind == "side":
        key = cell_text(cell).strip().casefold()  # type: ignore[arg-type]
        side = vocabulary().sides.get(key)
        return None if side is None else side == "debit"
    value = amount_of(cell)
    return None if not value else value > _ZERO
