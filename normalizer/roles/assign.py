"""From header matches (checked against content) to one column per record field."""

from __future__ import annotations

from collections.abc import Sequence

from normalizer.roles.content import ColumnContent
from normalizer.roles.evidence import believable
from normalizer.roles.vocabulary import HeaderMatch, fold, match_all

#: Headers whose columns are merged into one field, first non-empty wins.
MERGED = frozenset({"debit account", "credit account"})


def header_matches(headers: Sequence[str]) -> list[tuple[HeaderMatch, ...]]:
    """Every vocabulary reading of each header, best first (empty for unknown words)."""
    return [match_all(h) if h.strip() else () for h in headers]


def best(
    matches: Sequence[tuple[HeaderMatch, ...]], contents: Sequence[ColumnContent | None]
) -> list[HeaderMatch | None]:
    """Per column, the first reading its content allows (else the first reading, refused)."""
    out: list[HeaderMatch | None] = []
    for readings, content in zip(matches, contents, strict=True):
        fitting = [m for m in readings if believable(m.field, content, weak=m.weak)]
        out.append(fitting[0] if fitting else (readings[0] if readings else None))
    return out


def assign(
    matches: Sequence[HeaderMatch | None],
    headers: Sequence[str],
    contents: Sequence[ColumnContent | None],
    taken: set[int],
    skip: set[str],
) -> tuple[dict[str, tuple[int, ...]], dict[int, str]]:
    """field -> columns (best rank first, then leftmost) and column -> why a match was refused."""
    refused: dict[int, str] = {}
    candidates = []
    for index, match in enumerate(matches):
        if match is None or index in taken or match.field in skip:
            continue
        if not believable(match.field, contents[index], weak=match.weak):
            refused[index] = f"header reads as {match.field}, but the cells do not"
            continue
        candidates.append((match.rank, index, match))
    fields: dict[str, tuple[int, ...]] = {}
    for _rank, index, match in sorted(candidates, key=lambda c: (c[0], c[1])):
        current = fields.get(match.field)
        if current is None:
            fields[match.field] = (index,)
        elif match.phrase in MERGED and all(fold(headers[c]) in MERGED for c in current):
            fields[match.field] = (*current, index)
    return fields, refused


def runner_up(
    matches: Sequence[HeaderMatch | None],
    contents: Sequence[ColumnContent | None],
    field: str,
    chosen: int,
) -> int | None:
    """Another believable column for `field` whose header is as strong as the chosen one's."""
    best = matches[chosen]
    if best is None:
        return None
    for index, match in enumerate(matches):
        if (
            index != chosen
            and match is not None
            and match.field == field
            and match.how == best.how
            and abs(match.rank - best.rank) <= 1
            and believable(field, contents[index])
        ):
            return index
    return None


def prefer_filled_date(
    fields: dict[str, tuple[int, ...]],
    matches: Sequence[HeaderMatch | None],
    contents: Sequence[ColumnContent | None],
    notes: dict[int, str],
) -> None:
    """Of two date columns, one with gaps (pending rows, no completed date yet) loses to one
    filled on every sampled row: blanks in the date would read as continuation lines."""
    chosen = fields.get("posted_on", (None,))[0]
    content = contents[chosen] if chosen is not None else None
    if chosen is None or content is None or content.filled >= content.rows:
        return
    for index, match in enumerate(matches):
        other = contents[index]
        if (
            match is not None
            and match.field == "posted_on"
            and other is not None
            and other.filled == other.rows
            and believable("posted_on", other)
        ):
            fields["posted_on"] = (index,)
            notes[index] = "filled on every row, unlike the better-named date column"
            return
