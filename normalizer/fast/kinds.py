"""Row kinds over whole columns: which rows are repeated headers, totals, blank or ledger lines.

The general path classifies row by row (`normalizer.structure.classify.Classifier`); this
module gives the same kinds as masks over Arrow columns of trimmed cell texts, or raises
`NotSure` for a row it cannot place (a group or note row, a line with no amount) or too many
distinct texts to fold. The rules, as the
`Classifier` applies them to a row with no ignored columns and no profile:

- BLANK: no cell is filled (skipped: neither a boundary nor a line);
- HEADER: at least `max(2, ceil(named / 2))` cells fold (`normalize_header`) to their column's
  header key;
- TOTAL: the first filled cell is outside the amount columns and reads as a total label;
- else DATA when an amount cell is filled (the only data rows taken here).

Continuation rows (`inherited`): a block starts at each line whose anchor (journal, else date)
is filled, and at the first line after a boundary (a total or header row); its other lines take
the block's first line's value for each inherited field they leave blank (`BlockWalker`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from normalizer.fast.common import DISTINCT_LIMIT, TOTAL_LABEL, TOTAL_START, require
from normalizer.mapping import normalize_header


@dataclass(frozen=True, slots=True, kw_only=True)
class RowKinds:
    """Masks over every row below the header (each row is exactly one of these)."""

    header: pa.Array
    total: pa.Array
    data: pa.Array

    @property
    def plain(self) -> bool:
        """Every row is a ledger line."""
        return bool(pc.all(self.data).as_py())


def row_kinds(cells: Sequence[pa.Array], headers: Sequence[str], amount_cols: Sequence[int]) -> RowKinds:
    """The kind of every row, as the general `Classifier` decides it (see the module docstring)."""
    filled = [pc.not_equal(column, "") for column in cells]
    any_filled = _any(filled)
    header = pc.and_(any_filled, _header_rows(cells, headers))
    first_text, first_is_amount = _first_filled(cells, filled, set(amount_cols))
    content = pc.and_(any_filled, pc.invert(header))
    total = pc.and_(pc.and_(content, pc.invert(first_is_amount)), _total_label(first_text))
    data = pc.and_(content, pc.invert(total))
    has_amount = _any([filled[c] for c in amount_cols])
    # a row with text but no amount is a group, a note or an error row: the general path's
    require(bool(pc.all(pc.or_(pc.invert(data), has_amount)).as_py()))
    return RowKinds(header=header, total=total, data=data)


def _any(masks: Sequence[pa.Array]) -> pa.Array:
    out = masks[0]
    for mask in masks[1:]:
        out = pc.or_(out, mask)
    return out


def _first_filled(
    cells: Sequence[pa.Array], filled: Sequence[pa.Array], amount_cols: set[int]
) -> tuple[pa.Array, pa.Array]:
    """Each row's first filled text and whether it is in an amount column ("" when none)."""
    text = cells[-1]
    is_amount = pa.repeat(pa.scalar(len(cells) - 1 in amount_cols), len(text))
    for i in range(len(cells) - 2, -1, -1):
        text = pc.if_else(filled[i], cells[i], text)
        is_amount = pc.if_else(filled[i], pa.scalar(i in amount_cols), is_amount)
    return text, is_amount


def _total_label(first: pa.Array) -> pa.Array:
    """Where the text reads as a total label: a cheap prefilter, then the regex per distinct text."""
    maybe = pc.match_substring_regex(first, TOTAL_START)
    if not pc.any(maybe).as_py():
        return maybe
    encoded = pc.dictionary_encode(pc.if_else(maybe, first, ""))
    distinct = encoded.dictionary.to_pylist()
    require(len(distinct) <= DISTINCT_LIMIT)
    hits = [i for i, value in enumerate(distinct) if value and TOTAL_LABEL.search(value)]
    return pc.is_in(encoded.indices, value_set=pa.array(hits, encoded.indices.type))


def _header_rows(cells: Sequence[pa.Array], headers: Sequence[str]) -> pa.Array:
    """Rows where enough cells fold to their column's header (`Classifier._is_header`)."""
    count = len(cells[0])
    keys = [normalize_header(h) for h in headers]
    named = [i for i, k in enumerate(keys) if k]
    wanted = max(2, (len(named) + 1) // 2)
    matched = pa.repeat(pa.scalar(0, pa.int32()), count)
    for i in named:
        matched = pc.add(matched, pc.cast(_folds_to(cells[i], keys[i]), pa.int32()))
    return pc.greater_equal(matched, wanted)


def _folds_to(column: pa.Array, key: str) -> pa.Array:
    """Where `normalize_header(value) == key`.

    An ASCII value folds by lowering it and turning runs of non-word characters into one
    space, so it can only fold to `key` if it contains `key`'s first word, ignoring case: only
    those values, and the non-ASCII ones (accents and compatibility forms fold further), are
    folded one distinct value at a time.
    """
    word = key.split(" ", 1)[0]
    maybe = pc.or_(pc.invert(pc.string_is_ascii(column)), pc.match_substring(column, word, ignore_case=True))
    distinct = pc.unique(pc.filter(column, maybe)).to_pylist()
    require(len(distinct) <= DISTINCT_LIMIT)
    hits = [value for value in distinct if normalize_header(value) == key]
    return pc.is_in(column, value_set=pa.array(hits, pa.string()))


def segments(kinds: RowKinds) -> pa.Array:
    """For every row, how many total or header rows come before it (or at it): blocks and the
    rows a total row totals never cross one."""
    boundary = pc.cast(pc.or_(kinds.total, kinds.header), pa.int64())
    return pc.cumulative_sum(boundary)


def inherited(values: pa.Array, anchor_filled: pa.Array, segment: pa.Array, *, blank: pa.Array) -> pa.Array:
    """`values` of the ledger lines after continuation lines took their block head's value.

    All arguments are over the ledger lines only, in source order; `blank` marks the values a
    line leaves blank (those it inherits), `segment` the boundary count before each line.
    """
    count = len(values)
    if count == 0:
        return values
    previous = pa.concat_arrays([pa.array([-1], pa.int64()), segment.slice(0, count - 1)])
    head = pc.or_(anchor_filled, pc.not_equal(segment, previous))
    positions = pa.array(range(count), pa.int64())
    head_of = pc.fill_null_forward(pc.if_else(head, positions, pa.scalar(None, pa.int64())))
    return pc.if_else(pc.and_(blank, pc.invert(head)), pc.take(values, head_of), values)
