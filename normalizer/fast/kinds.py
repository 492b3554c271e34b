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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from normalizer.fast.arrow import EMPTY, array, integer, scalar
from normalizer.fast.common import (
    DISTINCT_LIMIT,
    TOTAL_LABEL,
    TOTAL_START,
    NotSure,
    require,
    require_no_headers,
    require_no_totals,
)
from normalizer.fast.parallel import each
from normalizer.mapping import normalize_header

#: Rows that may repeat the header, folded cell by cell: beyond this many, the general path.
_CANDIDATE_LIMIT = 200_000
_FALSE = scalar(False, pa.bool_())


@dataclass(frozen=True, slots=True, kw_only=True)
class RowKinds:
    """Masks over every row below the header (each row is exactly one of these)."""

    header: pa.Array
    total: pa.Array
    data: pa.Array
    plain: bool  # every row is a ledger line


def row_kinds(cells: Sequence[pa.Array], headers: Sequence[str], amount_cols: Sequence[int]) -> RowKinds:
    """The kind of every row, as the general `Classifier` decides it (see the module docstring)."""
    filled = [pc.not_equal(column, EMPTY) for column in cells]
    has_amount = _any([filled[c] for c in amount_cols])
    if _plainly_ledger_lines(cells, filled[0], headers, amount_cols):
        require(bool(pc.all(has_amount).as_py()))
        nowhere = pa.repeat(_FALSE, len(cells[0]))
        return RowKinds(header=nowhere, total=nowhere, data=pc.invert(nowhere), plain=True)
    any_filled = _any(filled)
    header = pc.and_(any_filled, _header_rows(cells, headers))
    content = pc.and_(any_filled, pc.invert(header))
    total = pc.and_(content, _total_rows(cells, filled, set(amount_cols)))
    data = pc.and_(content, pc.invert(total))
    # a row with text but no amount is a group, a note or an error row: the general path's
    require(bool(pc.all(pc.or_(pc.invert(data), has_amount)).as_py()))
    return RowKinds(header=header, total=total, data=data, plain=bool(pc.all(data).as_py()))


def _plainly_ledger_lines(
    cells: Sequence[pa.Array], first_filled: pa.Array, headers: Sequence[str], amount_cols: Sequence[int]
) -> bool:
    """The quick proof for ordinary files: no row is blank, a header or a total.

    The first cell is never blank (so it is each row's first filled cell and no row is blank),
    it never reads as a total label, and the header bound of `require_no_headers` holds, given
    the amount columns where no value can fold to the header (`_folds_to`, over the column).
    """
    if not pc.all(first_filled).as_py():
        return False
    keys = [normalize_header(h) for h in headers]
    try:
        require_no_totals(cells[0], 0 in amount_cols)  # first: it settles report files cheaply
        folds = each(lambda c: not keys[c] or not pc.any(_folds_to(cells[c], keys[c])).as_py(), amount_cols)
        never = {c for c, no in zip(amount_cols, folds, strict=True) if no}
        require_no_headers(list(cells), headers, never)
    except NotSure:
        return False
    return True


def _any(masks: Sequence[pa.Array]) -> pa.Array:
    out = masks[0]
    for mask in masks[1:]:
        out = pc.or_(out, mask)
    return out


def _total_rows(cells: Sequence[pa.Array], filled: Sequence[pa.Array], amount_cols: set[int]) -> pa.Array:
    """Rows whose first filled cell is outside the amount columns and reads as a total label."""
    first = pa.repeat(scalar(len(cells), pa.int16()), len(cells[0]))
    for i in range(len(cells) - 1, -1, -1):
        first = pc.if_else(filled[i], scalar(i, pa.int16()), first)
    total = pa.repeat(_FALSE, len(cells[0]))
    for i in pc.unique(first).to_pylist():
        if i < len(cells) and i not in amount_cols:
            total = pc.or_(total, pc.and_(pc.equal(first, integer(i)), _total_label(cells[i])))
    return total


def _total_label(texts: pa.Array) -> pa.Array:
    """Where the text reads as a total label: a cheap prefilter, then the regex per distinct text."""
    maybe = pc.match_substring_regex(texts, TOTAL_START)
    if not pc.any(maybe).as_py():
        return maybe
    distinct = pc.unique(pc.filter(texts, maybe)).to_pylist()
    require(len(distinct) <= DISTINCT_LIMIT)
    hits = [value for value in distinct if TOTAL_LABEL.search(value)]
    return pc.and_(maybe, pc.is_in(texts, value_set=array(hits, pa.string())))


def _header_rows(cells: Sequence[pa.Array], headers: Sequence[str]) -> pa.Array:
    """Rows where enough cells fold to their column's header (`Classifier._is_header`).

    A row reaching `wanted` has a folding cell among any `named - wanted + 1` columns: those
    (the narrowest, the cheapest to scan) are folded whole (`_folds_to`); the other columns
    only on the rows with one (repeated headers: a few in a thousand), value by value.
    """
    count = len(cells[0])
    keys = [normalize_header(h) for h in headers]
    named = [i for i, k in enumerate(keys) if k]
    wanted = max(2, (len(named) + 1) // 2)
    out = np.zeros(count, dtype=bool)
    if len(named) < wanted:
        return array(out, pa.bool_())
    order = sorted(named, key=lambda i: cells[i].nbytes)
    scanned = order[: len(named) - wanted + 1]
    matched = pa.repeat(scalar(0, pa.int32()), count)
    for i in scanned:
        matched = pc.add(matched, pc.cast(_folds_to(cells[i], keys[i]), pa.int32()))
    candidates = pc.indices_nonzero(pc.greater(matched, integer(0)))
    require(len(candidates) <= _CANDIDATE_LIMIT)
    if len(candidates) == 0:
        return array(out, pa.bool_())
    counts = pc.take(matched, candidates).to_pylist()
    for i in order[len(scanned) :]:
        folded: dict[str, bool] = {}
        for n, value in enumerate(pc.take(cells[i], candidates).to_pylist()):
            hit = folded.get(value)
            if hit is None:
                hit = folded[value] = normalize_header(value) == keys[i]
            counts[n] += hit
    out[[p for p, n in zip(candidates.to_pylist(), counts, strict=True) if n >= wanted]] = True
    return array(out, pa.bool_())


def _folds_to(column: pa.Array, key: str) -> pa.Array:
    """Where `normalize_header(value) == key`, exactly.

    An ASCII value folds by lowering it, turning each run of characters other than `0-9a-z`
    into one space and stripping the ends; so it folds to `key` (whose words are `0-9a-z`
    runs) exactly when it matches `key`'s words, ignoring case, separated by such runs. Other
    values (accents and compatibility forms fold further) are folded one distinct value at a
    time.
    """
    gap = "[^0-9A-Za-z]"
    pattern = "(?i)^" + gap + "*" + (gap + "+").join(key.split(" ")) + gap + "*$"
    ascii_ = pc.string_is_ascii(column)
    mask = pc.and_(ascii_, pc.match_substring_regex(column, pattern))
    others = pc.invert(ascii_)
    if pc.any(others).as_py():
        distinct = pc.unique(pc.filter(column, others)).to_pylist()
        require(len(distinct) <= DISTINCT_LIMIT)
        hits = [value for value in distinct if normalize_header(value) == key]
        if hits:
            mask = pc.or_(mask, pc.is_in(column, value_set=array(hits, pa.string())))
    return mask


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
    previous = pa.concat_arrays([array([-1], pa.int64()), segment.slice(0, count - 1)])
    head = pc.or_(anchor_filled, pc.not_equal(segment, previous))
    positions = array(range(count), pa.int64())
    head_of = pc.fill_null_forward(pc.if_else(head, positions, scalar(None, pa.int64())))
    return pc.if_else(pc.and_(blank, pc.invert(head)), pc.take(values, head_of), values)
