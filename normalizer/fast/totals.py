"""Total rows checked over columns: the same `TotalFinding`s `find_totals` gives, from sums of
integer amount columns per segment instead of a `Decimal` per cell.

A total row's figures are its filled cells after its label; here they must be in amount
columns (a figure elsewhere, such as a count under the descriptions, is the general path's).
Each figure is compared with the sum of its column over the ledger lines since the previous
total or header row, under every scope of `SCOPES`. The sums are exact integers at the
column's scale, then given the exponent the general path's `Decimal` sum has: that of the
value with the most decimals as written, zeros aside (`parse(cell) or Decimal(0)`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from normalizer.fast.arrow import EMPTY, integer, literal, numbers
from normalizer.fast.common import ColumnUnits, require
from normalizer.structure.totals import TotalFinding

_PRECISION = 10**28  # the default decimal context's precision: sums below it are exact


def total_findings(  # noqa: PLR0917
    cells: Sequence[pa.Array],
    rows: list[int],
    total_segments: np.ndarray,
    data_segment: np.ndarray,
    amount_cols: Sequence[int],
    names: Sequence[str],
    units: ColumnUnits,
    reading: tuple[str | None, str, Callable[[str], Decimal | None]],
) -> list[TotalFinding]:
    """Every figure stated by a total row, with its sums (see `find_totals`).

    `cells` are the trimmed texts of the total rows, `rows` their row numbers, and
    `total_segments` and `data_segment` the boundary count (`kinds.segments`) at each total
    row and each ledger line; `units` each amount column's `amount_units` over the ledger
    lines, `reading` the decimal mark, the pattern every line's amount matched and the general
    path's parse of a figure.
    """
    mark, plain, parse = reading
    filled = {i: pc.not_equal(cells[i], EMPTY) for i in range(len(cells))}
    first = _first_filled_column(filled, len(rows))
    for i, mask in filled.items():
        if i not in amount_cols:
            # a figure outside the amount columns: decline (its column's parse is per cell)
            later = pc.and_(mask, pc.less(first, integer(i)))
            require(not pc.any(later).as_py())
    starts = np.flatnonzero(np.diff(data_segment, prepend=-1)) if len(data_segment) else np.array([], int)
    seg_ids = data_segment[starts] if len(starts) else np.array([], np.int64)
    sums = {c: _column_sums(units[c], starts) for c in amount_cols}
    total_rows = rows
    firsts = first.to_pylist()
    stated_of = {c: stated_figures(cells[c], mark, plain, parse) for c in amount_cols}
    raws = {c: cells[c].to_pylist() for c in amount_cols}
    findings: list[TotalFinding] = []
    for n, (row, seg) in enumerate(zip(total_rows, total_segments, strict=True)):
        # rows a total totals: the lines since the previous boundary, whose segment count is
        # one less than at the total row itself
        where = int(np.searchsorted(seg_ids, seg - 1))
        found = where < len(seg_ids) and seg_ids[where] == seg - 1
        for column in sorted(amount_cols):
            raw = raws[column][n]
            if not raw or column == firsts[n]:
                continue
            stated = stated_of[column][n]
            if stated is None:
                continue
            block, first_value, absolute = sums[column].at(where) if found else (_ZERO, None, _ZERO)
            findings.append(
                TotalFinding(
                    row=row,
                    column=names[column],
                    raw=raw,
                    stated=stated,
                    sums={
                        "block": block,
                        "block-after-first": block - first_value if first_value is not None else block,
                        "block-absolute": absolute,
                        "block-negated": -block,
                    },
                )
            )
    return findings


_ZERO = Decimal(0)


def _first_filled_column(filled: dict[int, pa.Array], count: int) -> pa.Array:
    first = pa.repeat(integer(len(filled)), count)
    for i in sorted(filled, reverse=True):
        first = pc.if_else(filled[i], integer(i), first)
    return first


class _ColumnSums:
    """Per segment of ledger lines: the exact sum, the first line's value, the sum of absolutes,
    each a `Decimal` with the exponent the general path's sum gets."""

    def __init__(self, units: np.ndarray, scale: int, scales: np.ndarray, starts: np.ndarray) -> None:
        self.scale = scale
        self.block: list[int] = []
        self.absolute: list[int] = []
        self.places: list[int] = []
        if len(starts):
            longest = int(np.diff(np.append(starts, len(units))).max())
            largest = int(np.abs(units).max()) if len(units) else 0
            # Python ints only when a segment of large amounts could overflow int64
            exact = units if largest * longest < 2**63 else units.astype(object)
            self.block = np.add.reduceat(exact, starts).tolist()
            self.absolute = np.add.reduceat(np.abs(exact), starts).tolist()
            self.places = np.maximum.reduceat(np.where(units != 0, scales, 0), starts).tolist()
        self.first_units: list[int] = units[starts].tolist()
        self.first_scales: list[int] = scales[starts].tolist()

    def at(self, index: int) -> tuple[Decimal, Decimal, Decimal]:
        places = self.places[index]
        shift = 10 ** (self.scale - places)  # every value is a multiple: exact
        absolute = self.absolute[index] // shift
        require(absolute < _PRECISION)  # no partial sum was rounded
        block = Decimal(self.block[index] // shift).scaleb(-places)
        first_units = self.first_units[index]
        first = _ZERO
        if first_units:
            own = self.first_scales[index]
            first = Decimal(first_units // 10 ** (self.scale - own)).scaleb(-own)
        return block, first, Decimal(absolute).scaleb(-places)


def _column_sums(units: tuple[pa.Array, int, pa.Array], starts: np.ndarray) -> _ColumnSums:
    values, scale, scales = units
    return _ColumnSums(numbers(values), scale, numbers(pc.cast(scales, pa.int64())), starts)


def stated_figures(
    texts: pa.Array, mark: str | None, plain: str, parse: Callable[[str], Decimal | None]
) -> list[Decimal | None]:
    """`parse` of each figure; a plain number in the decimal mark (`plain`, the pattern every
    ledger line's amount matched) reads as its digits without grouping, as `parse_amount`
    reads it (a negative zero as zero), without a call per figure."""
    is_plain = pc.fill_null(pc.match_substring_regex(texts, plain), literal(False))
    if mark == ",":
        digits = pc.replace_substring(pc.replace_substring(texts, ".", ""), ",", ".")
    else:
        digits = pc.replace_substring(texts, ",", "")
    out: list[Decimal | None] = []
    for raw, cleaned, quick in zip(texts.to_pylist(), digits.to_pylist(), is_plain.to_pylist(), strict=True):
        if not raw:
            out.append(None)
        elif quick:
            value = Decimal(cleaned)
            out.append(value if value else value.copy_abs())
        else:
            out.append(parse(raw))
    return out
