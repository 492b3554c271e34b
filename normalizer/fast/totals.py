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

from normalizer.fast.common import amount_units, require
from normalizer.structure.totals import TotalFinding

_PRECISION = 10**28  # the default decimal context's precision: sums below it are exact


def total_findings(  # noqa: PLR0917
    cells: Sequence[pa.Array],
    rows: pa.Array,
    total: pa.Array,
    data: pa.Array,
    segment: pa.Array,
    amount_cols: Sequence[int],
    names: Sequence[str],
    mark: str | None,
    parse: Callable[[str], Decimal | None],
) -> list[TotalFinding]:
    """Every figure stated by a total row, with its sums (see `find_totals`).

    `cells` are the trimmed texts of every row, `rows` their row numbers, `total` and `data`
    the row kinds, `segment` the boundary count at each row (`kinds.segments`).
    """
    positions = pc.indices_nonzero(total)
    filled = {i: pc.not_equal(pc.take(cells[i], positions), "") for i in range(len(cells))}
    first = _first_filled_column(filled, len(positions))
    for i, mask in filled.items():
        if i not in amount_cols:
            # a figure outside the amount columns: decline (its column's parse is per cell)
            later = pc.and_(mask, pc.less(first, i))
            require(not pc.any(later).as_py())
    data_segment = pc.filter(segment, data).to_numpy()
    starts = np.flatnonzero(np.diff(data_segment, prepend=-1)) if len(data_segment) else np.array([], int)
    seg_ids = data_segment[starts] if len(starts) else np.array([], np.int64)
    sums = {c: _column_sums(pc.filter(cells[c], data), mark, starts) for c in amount_cols}
    total_rows = pc.take(rows, positions).to_pylist()
    total_segments = pc.take(segment, positions).to_numpy()
    firsts = first.to_pylist()
    texts = {c: pc.take(cells[c], positions).to_pylist() for c in amount_cols}
    findings: list[TotalFinding] = []
    for n, (row, seg) in enumerate(zip(total_rows, total_segments, strict=True)):
        # rows a total totals: the lines since the previous boundary, whose segment count is
        # one less than at the total row itself
        where = int(np.searchsorted(seg_ids, seg - 1))
        found = where < len(seg_ids) and seg_ids[where] == seg - 1
        for column in sorted(amount_cols):
            raw = texts[column][n]
            if not raw or column == firsts[n]:
                continue
            stated = parse(raw)
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
    first = pa.repeat(pa.scalar(len(filled), pa.int64()), count)
    for i in sorted(filled, reverse=True):
        first = pc.if_else(filled[i], pa.scalar(i, pa.int64()), first)
    return first


class _ColumnSums:
    """Per segment of ledger lines: the exact sum, the first line's value, the sum of absolutes."""

    def __init__(self, units: np.ndarray, scale: int, scales: np.ndarray, starts: np.ndarray) -> None:
        self.scale = scale
        nonzero_scales = np.where(units != 0, scales, 0)
        if len(starts):
            # Python ints: a segment of large amounts can overflow int64
            objects = units.astype(object)
            self.block = np.add.reduceat(objects, starts)
            self.absolute = np.add.reduceat(np.abs(objects), starts)
            self.places = np.maximum.reduceat(nonzero_scales, starts)
        self.first_units = units[starts]
        self.first_scales = scales[starts]

    def at(self, index: int) -> tuple[Decimal, Decimal, Decimal]:
        places = int(self.places[index])
        exponent = Decimal(1).scaleb(-places)
        absolute = int(self.absolute[index])
        require(absolute * 10**places < _PRECISION * 10**self.scale)  # no rounding in the sums
        block = Decimal(int(self.block[index])).scaleb(-self.scale).quantize(exponent)
        first_units = int(self.first_units[index])
        first = (
            Decimal(first_units)
            .scaleb(-self.scale)
            .quantize(Decimal(1).scaleb(-int(self.first_scales[index])))
            if first_units
            else _ZERO
        )
        return block, first, Decimal(absolute).scaleb(-self.scale).quantize(exponent)


def _column_sums(column: pa.Array, mark: str | None, starts: np.ndarray) -> _ColumnSums:
    units, scale, scales = amount_units(column, mark or ".")
    return _ColumnSums(units.to_numpy(), scale, pc.cast(scales, pa.int64()).to_numpy(), starts)
