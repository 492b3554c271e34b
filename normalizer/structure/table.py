"""From a workbook to one table: the sheet, the header row (or the profile's columns), the rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from normalizer.errors import NoHeaderError, NormalizerError
from normalizer.mapping import header_texts, normalize_header
from normalizer.profiles.model import Profile
from normalizer.result import Detected, Issue
from normalizer.structure.cells import RowLike, cell_text
from normalizer.structure.header import (
    HEADER_SEARCH_ROWS,
    HeaderChoice,
    find_header,
    ledger_row_count,
    words_header,
)
from normalizer.structure.typed import ControlSpan, flatten


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """The ledger part of one sheet: column headers, the rows below them, what was decided."""

    headers: tuple[str, ...]
    rows: Sequence[RowLike]
    preamble: Sequence[RowLike]
    header_row: Detected
    spans: tuple[ControlSpan, ...] = ()
    issues: tuple[Issue, ...] = ()


def choose_sheet(sheets: Sequence[object], wanted: str | int | None, source: str) -> tuple[object, Detected]:
    """The sheet named/numbered by `wanted` (1-based), or the one that looks most like a ledger:
    the best header, then the most rows with amounts below it."""
    if not sheets:
        raise NormalizerError("the file holds no sheet with data")
    if wanted is not None:
        return _named_sheet(sheets, wanted), Detected(
            value=_name(sheets, wanted), confidence=1.0, source=source
        )
    if len(sheets) == 1:
        return sheets[0], Detected(value=getattr(sheets[0], "name", None), confidence=1.0, source="detected")
    scored = []
    for position, sheet in enumerate(sheets):
        rows = getattr(sheet, "rows", ())
        header = find_header(rows)
        score = (header.score, ledger_row_count(rows, header)) if header else (0, 0)
        scored.append((score, -position, sheet))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    best = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else (0, 0)
    confidence = 0.9 if best[0][0] > runner_up[0] else 0.6
    return best[2], Detected(value=getattr(best[2], "name", None), confidence=confidence, source="detected")


def _named_sheet(sheets: Sequence[object], wanted: str | int) -> object:
    names = [getattr(s, "name", None) or "" for s in sheets]
    if isinstance(wanted, str):
        for sheet, name in zip(sheets, names, strict=True):
            if name == wanted or normalize_header(name) == normalize_header(wanted):
                return sheet
        if wanted.isdigit():
            wanted = int(wanted)
    if isinstance(wanted, int) and 1 <= wanted <= len(sheets):
        return sheets[wanted - 1]
    raise NormalizerError(f"there is no sheet '{wanted}' (sheets: {', '.join(names)})")


def _name(sheets: Sequence[object], wanted: str | int) -> str | None:
    sheet = _named_sheet(sheets, wanted)
    return getattr(sheet, "name", None)


def _width(rows: Sequence[RowLike]) -> int:
    return max((len(r.cells) for r in rows), default=0)


def _profile_header(rows: Sequence[RowLike], profile: Profile | None) -> HeaderChoice | None:
    """The first row holding every header the profile names its columns by."""
    if profile is None:
        return None
    wanted = {
        normalize_header(ref) for refs in profile.columns.values() for ref in refs if isinstance(ref, str)
    }
    if not wanted:
        return None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if wanted <= {normalize_header(cell_text(c)) for c in row.cells}:
            return HeaderChoice(index=index, row_number=row.number, score=len(wanted), confidence=1.0)
    return None


def build_table(
    rows: Sequence[RowLike],
    profile: Profile | None,
    headers_by_kind: dict[str, tuple[str, ...]],
    *,
    headerless: bool = False,
) -> Table:
    """Split a sheet's rows into preamble, header and ledger rows, per profile or detection.

    With `headerless`, a sheet where no row looks like a header is taken as all data (its
    columns' roles then come from their content); without it that is a `NoHeaderError`.
    """
    if profile is not None and profile.fixed_width is not None:
        flat = flatten(rows, profile.fixed_width, headers_by_kind)
        return Table(
            headers=flat.headers,
            rows=flat.rows,
            preamble=(),
            header_row=Detected(value=None, confidence=1.0, source="profile"),
            spans=flat.spans,
            issues=flat.issues,
        )
    if profile is not None and not profile.header:
        return Table(
            headers=("",) * _width(rows),
            rows=rows,
            preamble=(),
            header_row=Detected(value=None, confidence=1.0, source="profile"),
        )
    if profile is not None and profile.header_row is not None:
        index = next((i for i, r in enumerate(rows) if r.number == profile.header_row), None)
        if index is None:
            raise NoHeaderError(
                f"the profile puts the header on row {profile.header_row}, which the file does not have"
            )
        detected = Detected(value=profile.header_row, confidence=1.0, source="profile")
    else:
        choice = _profile_header(rows, profile) or find_header(rows)
        if choice is None and headerless and profile is None:
            choice = words_header(rows)
        if choice is None and headerless and profile is None and rows:
            return Table(
                headers=("",) * _width(rows),
                rows=rows,
                preamble=(),
                header_row=Detected(value=None, confidence=0.6, source="detected"),
            )
        if choice is None:
            raise NoHeaderError(
                "no header row found (looked for columns such as Date, Account, Debit, Credit, Amount "
                "in the first rows); give a profile that names the columns"
            )
        index = choice.index
        detected = Detected(value=choice.row_number, confidence=choice.confidence, source="detected")
    below = rows[index + 1 :]
    width = max(_width(below), len(rows[index].cells))
    return Table(
        headers=header_texts(rows[index].cells, width),
        rows=below,
        preamble=rows[:index],
        header_row=detected,
    )
