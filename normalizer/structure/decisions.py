"""Decisions taken once per file or column before any row is read: reader options, decimal
mark, date order and year, continuation rows and journals. Profile settings win; the rest is
detected from the whole column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from normalizer.mapping import ColumnMap
from normalizer.profiles.model import Profile
from normalizer.result import Detected
from normalizer.structure.assemble import ValueRules
from normalizer.structure.blocks import BlockRules
from normalizer.structure.cells import RowLike, cell_at, cell_text, is_blank

#: What continuation lines inherit when the file shows them (and has the column).
AUTO_INHERIT = ("posted_on", "journal", "description", "reference", "currency")


def read_options(profile: Profile | None, encoding: str | None) -> Any:
    """The readers' `ReadOptions` for this profile and overrides."""
    from normalizer.readers import FixedWidthField, FixedWidthLayout, ReadOptions

    layout = None
    if profile is not None and profile.fixed_width is not None:
        spec = profile.fixed_width
        layout = FixedWidthLayout(
            type_start=spec.type_start,
            type_end=spec.type_end,
            records={
                r.kind: tuple(FixedWidthField(name=f.name, start=f.start, end=f.end) for f in r.fields)
                for r in spec.records
            },
            separator=spec.separator,
            terminator=spec.terminator,
            continuation=spec.continuation,
            record_length=spec.record_length,
        )
    return ReadOptions(
        encoding=encoding or (profile.encoding if profile else None),
        delimiter=profile.delimiter if profile else None,
        fixed_width=layout,
    )


def _column_values(rows: Sequence[RowLike], columns: Sequence[int]) -> Iterator[Any]:
    """The filled cells of `columns`, row by row: streamed, as the rows may be parsed on demand."""
    return (cell for row in rows for c in columns if not is_blank(cell := cell_at(row.cells, c)))


def _year_start(profile: Profile, preamble: Sequence[RowLike]) -> dt.date | None:
    from normalizer.values.dates import parse_date

    rule = profile.year_from
    if rule is None:
        return None
    for row in preamble:
        if row.number == rule.row:
            parsed = parse_date(cell_text(cell_at(row.cells, rule.column - 1)), pattern=rule.pattern)
            return parsed.value
    return None


def decide_values(
    profile: Profile | None,
    columns: ColumnMap,
    rows: Sequence[RowLike],
    preamble: Sequence[RowLike],
    fiscal_year: int | None,
) -> tuple[ValueRules, dict[str, Detected]]:
    """Decimal mark, date order/pattern and year for this file, each with where it came from."""
    from normalizer.values.amounts import infer_decimal_mark
    from normalizer.values.dates import infer_date_order

    detected: dict[str, Detected] = {}
    if profile is not None and profile.decimal_mark is not None:
        detected["decimal_mark"] = Detected(value=profile.decimal_mark, confidence=1.0, source="profile")
    else:
        amount_columns = [c for n in ("debit", "credit", "amount") for c in columns.columns(n)]
        detected["decimal_mark"] = infer_decimal_mark(_column_values(rows, amount_columns))
    pattern = profile.date_pattern if profile else None
    if pattern is not None or (profile is not None and profile.date_order is not None):
        detected["date_order"] = Detected(
            value=pattern or (profile.date_order if profile else None), confidence=1.0, source="profile"
        )
    else:
        detected["date_order"] = infer_date_order(_column_values(rows, columns.columns("posted_on")[:1]))
    start = _year_start(profile, preamble) if profile is not None else None
    year = fiscal_year or (profile.year if profile else None) or (start.year if start else None)
    if year is not None:
        source = "override" if fiscal_year else "profile"
        detected["year"] = Detected(value=year, confidence=1.0, source=source)
    short_pattern = pattern is not None and "%y" not in pattern.lower()
    rules = ValueRules(
        model=columns.model,
        decimal_mark=detected["decimal_mark"].value,
        date_order=None if pattern else detected["date_order"].value,
        date_pattern=pattern,
        default_year=year,
        year_start=start if short_pattern and not fiscal_year else None,
        positive=profile.positive if profile else "debit",
        side_tokens=profile.side_tokens if profile and profile.side_tokens else None,
        amount_scale=profile.amount_scale if profile else 0,
        currency=(profile.currency or "") if profile else "",
    )
    return rules, detected


def decide_blocks(
    profile: Profile | None, columns: ColumnMap, rows: Sequence[RowLike]
) -> tuple[BlockRules, Detected]:
    """Which fields continuation rows inherit (profile, or detected: the anchor column -- the
    journal id, else the date -- is blank on some ledger rows but not on the first)."""
    journal_key = profile.journal_key if profile else ()
    if profile is not None and profile.inherit is not None:
        inherit, found = (
            profile.inherit,
            Detected(value=list(profile.inherit), confidence=1.0, source="profile"),
        )
    else:
        inherit = _detect_inherit(columns, rows)
        found = Detected(value=list(inherit), confidence=0.9 if inherit else 1.0, source="detected")
    synthesize = not columns.columns("journal") and bool(inherit or journal_key)
    return BlockRules(inherit=inherit, journal_key=journal_key, synthesize_journal=synthesize), found


def _detect_inherit(columns: ColumnMap, rows: Sequence[RowLike]) -> tuple[str, ...]:
    anchor = (columns.columns("journal") or columns.columns("posted_on"))[:1]
    if not anchor or not rows:
        return ()
    blank = (is_blank(cell_at(row.cells, anchor[0])) for row in rows)
    if next(blank) or not any(blank):  # the first line has the anchor, some later one lacks it
        return ()
    return tuple(name for name in AUTO_INHERIT if columns.columns(name))
