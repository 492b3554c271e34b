"""`RecordCollector`: the general path's records, kept as columns once there are many.

The general path builds one `Record` per ledger line. Held together, a million of them cost
about a gigabyte; as Arrow columns (`ColumnRecords`) the same records take a tenth of that.
The collector takes the records one by one, turns every `CHUNK` of them into columns and
drops the objects, and gives back a tuple (a small file, as before) or `ColumnRecords` (equal
to that tuple, record for record). Records that columns cannot hold exactly -- an amount past
int64 units, an attribute named like a record field -- keep the tuple: a rare file then costs
what it always did, never a wrong value.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from normalizer.record import RECORD_SCHEMA, Record

if TYPE_CHECKING:  # Arrow is imported when the first chunk fills: a small file never needs it
    import pyarrow as pa

    from normalizer.fast.records import Amounts, ColumnRecords

#: Records turned into columns at a time (a file with fewer stays a tuple of records).
CHUNK = 16_384

#: `ColumnRecords`' leading columns, in its order: every field but the owner, amounts and attributes.
_BASE = tuple(spec.name for spec in RECORD_SCHEMA if spec.kind not in ("id", "money", "mapping"))
_LARGEST = 2**63 - 1
_EXACT = decimal.Context(prec=80, traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation])


class RecordCollector:
    """Receives records in order (`append`), gives them back as one sequence (`finish`)."""

    def __init__(self, ledger_file_id: int | None, *, chunk: int | None = None) -> None:
        self._ledger_file_id = ledger_file_id
        self._chunk = chunk or CHUNK
        self._pending: list[Record] = []
        self._parts: list[tuple[pa.Table, Amounts, Amounts]] = []
        self._records: list[Record] | None = None  # set when columns cannot hold the records

    def append(self, record: Record) -> None:
        self._pending.append(record)
        if len(self._pending) >= self._chunk:
            self._flush()

    def _flush(self) -> None:
        if self._records is None:
            part = _columns(self._pending)
            if part is not None:
                self._parts.append(part)
                self._pending = []
                return
            self._records = self._unpack()
        self._records.extend(self._pending)
        self._pending = []

    def finish(self) -> Sequence[Record]:
        """The records: a tuple, or `ColumnRecords` when at least one chunk became columns."""
        if self._records is not None:
            return (*self._records, *self._pending)
        if not self._parts:
            return tuple(self._pending)
        if self._pending:
            part = _columns(self._pending)
            if part is None:
                return (*self._unpack(), *self._pending)
            self._parts.append(part)
        joined = _join(self._parts, self._ledger_file_id)
        return joined if joined is not None else tuple(self._unpack())

    def _unpack(self) -> list[Record]:  # columns cannot hold a chunk: back to records
        from normalizer.fast.records import ColumnRecords

        out: list[Record] = []
        for table, debit, credit in self._parts:
            out.extend(
                ColumnRecords(ledger_file_id=self._ledger_file_id, columns=table, debit=debit, credit=credit)
            )
        self._parts = []
        return out


def _columns(records: list[Record]) -> tuple[pa.Table, Amounts, Amounts] | None:
    """One chunk of records as a table plus its amounts, or None if columns cannot hold it."""
    import pyarrow as pa

    names: dict[str, None] = {}
    for record in records:
        attributes = record.attributes
        if attributes:
            for name, value in attributes.items():
                if not value:
                    return None  # columns read "" as absent
                names[name] = None
    if any(name in _BASE for name in names):
        return None
    debit, credit = _amounts([r.debit for r in records]), _amounts([r.credit for r in records])
    if debit is None or credit is None:
        return None
    fields: dict[str, Any] = {
        "row_number": pa.array([r.row_number for r in records], pa.int64()),
        "posted_on": pa.array([r.posted_on for r in records], pa.date32()),
    }
    for name in _BASE[2:]:
        fields[name] = pa.array([getattr(r, name) for r in records], pa.string())
    for name in names:
        fields[name] = pa.array([r.attributes.get(name, "") for r in records], pa.string())
    return pa.table(fields), debit, credit


def _amounts(values: list[Decimal]) -> Amounts | None:
    """Canonical amounts as int64 units at the finest scale among them, or None if one is too large."""
    import pyarrow as pa

    from normalizer.fast.records import Amounts

    scale = max([2, *(-int(v.as_tuple().exponent) for v in values)])
    try:
        units = [int(v.scaleb(scale, _EXACT)) for v in values]
    except decimal.DecimalException:
        return None
    if max(units) > _LARGEST:
        return None
    return Amounts(units=pa.array(units, pa.int64()), scale=scale)


def _join(parts: list[tuple[pa.Table, Amounts, Amounts]], ledger_file_id: int | None) -> ColumnRecords | None:
    """The chunks as one `ColumnRecords`: attribute columns in first-seen order, one scale per side.

    Each column is joined and its chunks dropped before the next, so joining never holds two
    copies of the records. `parts` is emptied unless None is returned (an amount does not fit).
    """
    import pyarrow as pa

    from normalizer.fast.records import ColumnRecords

    debit = _rescaled([part[1] for part in parts])
    credit = _rescaled([part[2] for part in parts])
    if debit is None or credit is None:
        return None
    attributes: dict[str, None] = {}
    for table, _, _ in parts:
        attributes.update(dict.fromkeys(table.column_names[len(_BASE) :]))
    tables = [table for table, _, _ in parts]
    parts.clear()
    pool = pa.default_memory_pool()
    fields: dict[str, pa.Array] = {}
    for name in (*_BASE, *attributes):
        chunks = []
        for i, table in enumerate(tables):
            if name in table.column_names:
                chunks.append(table.column(name).combine_chunks())
                tables[i] = table.drop_columns([name])
            else:  # an attribute this chunk's records do not have
                chunks.append(pa.repeat(pa.scalar("", pa.string()), table.num_rows))
        fields[name] = pa.concat_arrays(chunks)
        del chunks
        pool.release_unused()  # the chunks' memory goes back before the next column is joined
    return ColumnRecords(ledger_file_id=ledger_file_id, columns=pa.table(fields), debit=debit, credit=credit)


def _rescaled(amounts: list[Amounts]) -> Amounts | None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from normalizer.fast.records import Amounts

    scale = max(a.scale for a in amounts)
    try:
        units = [
            a.units
            if a.scale == scale
            else pc.multiply_checked(a.units, pa.scalar(10 ** (scale - a.scale), pa.int64()))
            for a in amounts
        ]
    except (pa.ArrowInvalid, OverflowError):
        return None
    return Amounts(units=pa.concat_arrays(units), scale=scale)
