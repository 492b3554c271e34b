"""Reports on Arrow columns, for record sets that read them cheaply (a cold ledger's artifact).

A served `RecordSet` says so with `columnar` and gives the columns with `to_arrow(columns)`,
checked like its records (count, totals, records sha256) before they are returned. Reports
that use it compute exactly what their record loop computes, to the same Decimal (value and
exponent), so the rendered bytes do not depend on the path; anything else iterates records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from normalizer.record import Record
from reporting.money import ZERO, exact
from reporting.selection import DateRange

if TYPE_CHECKING:
    import pyarrow as pa

#: Per (account, currency): [debit, credit, account name] (as `trial_balance.Balances`).
Balances = dict[tuple[str, str], list[Decimal | str]]


def arrow_columns(records: Iterable[Record], names: Sequence[str]) -> pa.Table | None:
    """The records' columns `names`, when the set reads columns without building records; else None."""
    if not getattr(records, "columnar", False):
        return None
    table: pa.Table = records.to_arrow(list(names))  # type: ignore[attr-defined]
    return table


#: The columns a trial balance reads (`posted_on` first: only a date range needs it).
BALANCE_COLUMNS = ("posted_on", "account", "account_name", "currency", "debit", "credit")


def accumulate_columns(table: pa.Table, dates: DateRange) -> tuple[Balances, int]:
    """`trial_balance.accumulate` on columns: sums per (account, currency) and the record count.

    The name is the first non-empty one in row order. Sums are exact integers of the amounts'
    unscaled values (each split in two 32-bit halves, so no int64 sum can overflow) and carry
    the exponent the record loop's Decimal sums would: that of the group's amount with most
    decimals. Done in numpy over the Arrow buffers: pyarrow's group-by and its conversions of
    Python values import pandas, which would cost a report more than the grouping itself.
    """
    import numpy as np

    count = table.num_rows
    columns = {name: table.column(name).combine_chunks() for name in table.column_names}
    keep = _in_range(columns["posted_on"], dates) if dates.bounded else None
    accounts, account_ids = _codes(columns["account"])
    currencies, currency_ids = _codes(columns["currency"])
    group = account_ids.astype(np.int64) * max(len(currencies), 1) + currency_ids
    if keep is not None:
        group = np.where(keep, group, -1)  # out of range: a group of its own, dropped below
    order = np.argsort(group, kind="stable")  # stable: row order within each group
    ordered = group[order]
    starts = np.flatnonzero(np.diff(ordered, prepend=-2))
    if keep is not None and len(ordered) and ordered[0] == -1:
        starts = starts[1:]
    ends = np.append(starts[1:], len(ordered)) if len(starts) else starts
    sums = {name: _group_sums(columns[name], order, starts) for name in ("debit", "credit")}
    names = _first_names(columns["account_name"], order, starts, ends)
    balances: Balances = {}
    for index, start in enumerate(starts):
        gid = int(ordered[start])
        key = (accounts[gid // max(len(currencies), 1)], currencies[gid % max(len(currencies), 1)])
        balances[key] = [sums["debit"][index], sums["credit"][index], names[index]]
    return balances, count


def _codes(strings: Any) -> tuple[list[str], Any]:
    """The distinct strings (in first-seen order) and each row's index into them."""
    encoded = strings.dictionary_encode()
    return encoded.dictionary.to_pylist(), _values(encoded.indices, "int32")


def _values(array: Any, dtype: str) -> Any:
    """A fixed-width Arrow array's values as a numpy view (nulls hold whatever the buffer holds)."""
    import numpy as np

    width = np.dtype(dtype).itemsize
    data = np.frombuffer(array.buffers()[1], dtype=np.uint8)
    return data[array.offset * width : (array.offset + len(array)) * width].view(dtype)


def _valid(array: Any) -> Any:
    import numpy as np

    bitmap = array.buffers()[0]
    if bitmap is None:
        return np.ones(len(array), dtype=bool)
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    return bits[array.offset : array.offset + len(array)].astype(bool)


def _in_range(days: Any, dates: DateRange) -> Any:
    """Rows whose posting date is in the range; a missing date is not (as in the record loop)."""
    epoch = dt.date(1970, 1, 1)
    values = _values(days, "int32")
    keep = _valid(days)
    if dates.start is not None:
        keep &= values >= (dates.start - epoch).days
    if dates.end is not None:
        keep &= values <= (dates.end - epoch).days
    return keep


def _group_sums(amounts: Any, order: Any, starts: Any) -> list[Decimal]:
    """Exact per-group sums of a decimal128 column, with the record loop's exponents."""
    import numpy as np

    scale = amounts.type.scale
    unscaled = _unscaled(amounts)
    if unscaled is None:  # decimal256, or amounts beyond 2**63 units: exact, the slow way
        values = amounts.to_pylist()
        rows = np.split(order, starts[1:]) if len(starts) else []
        with exact():
            return [sum((values[row] for row in group), ZERO) for group in rows]
    ordered = unscaled[order]
    high = np.add.reduceat(ordered >> 32, starts) if len(starts) else ordered[:0]
    low = np.add.reduceat(ordered & 0xFFFFFFFF, starts) if len(starts) else ordered[:0]
    exponents = [-scale] * len(starts)
    if scale > 2:  # each group's sum has as many decimals as its amount with most of them
        exponents = [-int(value) for value in np.maximum.reduceat(_decimals(ordered, scale), starts)]
    return [
        Decimal((int(h) << 32) + int(lo)).scaleb(-scale).quantize(Decimal(1).scaleb(exponent))
        for h, lo, exponent in zip(high.tolist(), low.tolist(), exponents, strict=True)
    ]


def _unscaled(amounts: Any) -> Any:
    """A non-negative decimal128 column's unscaled values as int64, or None when one does not fit."""
    import numpy as np
    import pyarrow as pa

    if not pa.types.is_decimal128(amounts.type) or amounts.null_count:
        return None
    data = np.frombuffer(amounts.buffers()[1], dtype=np.uint8)  # 16 bytes a value, little-endian
    words = data[amounts.offset * 16 : (amounts.offset + len(amounts)) * 16].view("<i8").reshape(-1, 2)
    low, high = words[:, 0], words[:, 1]
    if (high != 0).any() or (low < 0).any():
        return None
    return low


def _decimals(unscaled: Any, scale: int) -> Any:
    """Per amount, its number of decimals in canonical form (at least 2, trailing zeros dropped)."""
    import numpy as np

    decimals = np.full(len(unscaled), scale, dtype=np.int64)
    for dropped in range(1, scale - 1):
        decimals[unscaled % 10**dropped == 0] = scale - dropped
    return decimals


def _first_names(names: Any, order: Any, starts: Any, ends: Any) -> list[str]:
    """Per group, its first non-empty account name in row order, else ''."""
    import numpy as np

    # A string array's offsets: len + 1 of them from its own offset on; equal ones bound an "".
    offsets = np.frombuffer(names.buffers()[1], dtype=np.int32)[names.offset : names.offset + len(names) + 1]
    nonempty = np.diff(offsets) > 0
    named = np.flatnonzero(nonempty[order])  # positions, in group order, of rows with a name
    first = np.searchsorted(named, starts)
    found: list[str] = []
    for position, end in zip(first.tolist(), ends.tolist(), strict=True):
        if position < len(named) and named[position] < end:
            found.append(names[int(order[named[position]])].as_py())
        else:
            found.append("")
    return found
