"""`ColumnRecords`: the records of a columnar normalize, kept as Arrow columns.

It is an ordinary `Sequence[Record]` (`len`, indexing, slicing, iteration, equality with any
sequence of records) and a `normalizer.canonical.CanonicalRecords`: its big consumers never
build a `Record`. `canonical_batches` gives the canonical JSON Lines bytes (artifact, records
sha256) and `text_columns` each field as a column of canonical text (storage builds its COPY
rows from them), both computed column by column. The bytes are the same as `record_to_json`
gives for each record (the tests compare them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from normalizer.canonical import CanonicalBatch
from normalizer.fast.arrow import EMPTY, array, combined, integer, joined, literal, numbers, scalar
from normalizer.record import Record, trusted_record
from normalizer.sequences import LazySequence

_BATCH_ROWS = 65_536
#: Bytes of a text column scanned at a time for characters JSON escapes.
_SCAN_BYTES = 1 << 22
#: "00" to "99": the two decimals of an amount at scale 2, by their value. Built from buffers:
#: `pa.array` of Python objects would import pandas (a quarter of a second of start-up).
_CENTS = pa.Array.from_buffers(
    pa.string(),
    100,
    [
        None,
        pa.py_buffer(struct.pack("<101i", *range(0, 202, 2))),
        pa.py_buffer(b"".join(b"%02d" % c for c in range(100))),
    ],
)
#: Digits of the decimal128 amount columns (`Amounts.decimals`): any int64 number of units fits.
_DECIMAL_DIGITS = 38
_TEXT_FIELDS = ("account", "account_name", "description", "reference", "journal")
_POINT = literal(".")
_QUOTE = literal('"')


@dataclass(frozen=True, slots=True, kw_only=True)
class Amounts:
    """A money column as integer units at one scale (value = units / 10**scale), never negative."""

    units: pa.Array  # int64
    scale: int

    def canonical_text(self) -> pa.Array:
        """Each value in `canonical_amount` form: at least two decimals, no trailing zeros beyond."""
        if self.scale <= 2:
            # Whole units, a point, then the two decimals looked up: no string slicing, and no
            # multiplication that could overflow int64 (units are never negative).
            unit = 10**self.scale
            whole = pc.divide(self.units, integer(unit)) if unit > 1 else self.units
            fraction = pc.subtract(self.units, pc.multiply(whole, integer(unit))) if unit > 1 else None
            cents = pc.multiply(fraction, integer(10 ** (2 - self.scale))) if fraction is not None else None
            text = pc.cast(whole, pa.string())
            if cents is None:
                return pc.binary_join_element_wise(text, literal(".00"), EMPTY)
            return pc.binary_join_element_wise(text, _POINT, pc.take(_CENTS, cents), EMPTY)
        scale = self.scale
        digits = pc.utf8_lpad(pc.cast(self.units, pa.string()), width=scale + 1, padding="0")
        whole = pc.utf8_slice_codeunits(digits, start=0, stop=-scale)
        cents = pc.utf8_slice_codeunits(digits, start=-scale, stop=-scale + 2)
        fraction = pc.utf8_rtrim(pc.utf8_slice_codeunits(digits, start=-scale + 2), characters="0")
        return pc.binary_join_element_wise(whole, _POINT, cents, fraction, EMPTY)

    def decimals(self) -> pa.Array | None:
        """The values as one `decimal128(38, 2)` column, exactly; None when a value needs more
        than two decimals (one decimal column has one scale, and a canonical amount keeps each
        value's own: `1.5` is `1.50`, `1.234` stays `1.234`)."""
        if self.scale > 2 and _max_significant_scale(self.units, self.scale) > 2:
            return None
        if self.scale > 2:  # every value has at most two significant decimals: exact division
            units = pc.divide(self.units, integer(10 ** (self.scale - 2)))
            exact = pc.cast(units, pa.decimal128(_DECIMAL_DIGITS, 0))
        else:  # int64 to decimal multiplies by 10**(2 - scale) without overflow (38 digits)
            exact = pc.cast(self.units, pa.decimal128(_DECIMAL_DIGITS, 2 - self.scale))
        # Reinterpreted at scale 2: the same 128-bit unscaled values, now units of a hundredth.
        return pa.Array.from_buffers(
            pa.decimal128(_DECIMAL_DIGITS, 2), len(exact), exact.buffers(), offset=exact.offset
        )

    def total(self, start: int = 0, stop: int | None = None) -> Decimal:
        """The exact sum of the values in rows [start, stop), with the exponent summing
        canonical Decimals gives (the smallest exponent of any canonical value)."""
        units = self.units.slice(start, None if stop is None else stop - start)
        if len(units) == 0:
            return Decimal(0)
        total = _exact_sum(units)
        exponent = -max(2, _max_significant_scale(units, self.scale))
        return Decimal(total).scaleb(-self.scale).quantize(Decimal(1).scaleb(exponent))


def _exact_sum(units: pa.Array) -> int:
    """Sum int64 values without overflow: chunks small enough that int64 cannot wrap."""
    largest = pc.max(units).as_py() or 0
    step = max(1, (2**62) // max(largest, 1))
    return sum(int(pc.sum(units.slice(i, step)).as_py() or 0) for i in range(0, len(units), step))


def _max_significant_scale(units: pa.Array, scale: int) -> int:
    """The most fraction digits any value needs (trailing zeros do not count)."""
    values = numbers(units)
    for digits in range(scale, 2, -1):
        if (values % (10 ** (scale - digits + 1))).any():
            return digits
    return 2


class ColumnRecords(LazySequence[Record]):
    """Records held as columns; see the module docstring. Immutable."""

    __slots__ = ("_cache", "_columns", "_digest", "_ledger_file_id", "_lock", "_locks", "credit", "debit")
    item_name = "record"

    def __init__(
        self,
        *,
        ledger_file_id: int | None,
        columns: pa.Table,
        debit: Amounts,
        credit: Amounts,
    ) -> None:
        """`columns`: row_number (int64), posted_on (date32, nullable), the text fields,
        currency, then one string column per attribute ("" when absent), named by attribute."""
        self._ledger_file_id = ledger_file_id
        self._columns = columns
        self.debit = debit
        self.credit = credit
        self._cache: dict[str, pa.Array] = {}
        # The artifact and the hot COPY may encode the same records in two threads at once: the
        # derived columns they share are built once, each under a lock of its own (`_shared`).
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._digest: tuple[str, int, Decimal, Decimal] | None = None

    # -- Sequence -------------------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        # A lock does not pickle (records come back from the reader child process): a new one.
        return {name: getattr(self, name) for name in self.__slots__ if name not in ("_lock", "_locks")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self._lock = threading.Lock()
        self._locks = {}

    def __len__(self) -> int:
        return int(self._columns.num_rows)

    def _item(self, position: int) -> Record:
        return next(self._build(position, position + 1))

    def _span(self, start: int, stop: int) -> Sequence[Record]:
        return tuple(self._build(start, stop))

    def __iter__(self) -> Iterator[Record]:
        for start in range(0, len(self), _BATCH_ROWS):
            yield from self._build(start, min(len(self), start + _BATCH_ROWS))

    def __repr__(self) -> str:
        return f"ColumnRecords({len(self)} records)"

    # -- derived views ----------------------------------------------------------------------

    @property
    def ledger_file_id(self) -> int | None:
        return self._ledger_file_id

    def column(self, name: str) -> pa.Array:
        """One field's column (row_number, posted_on, a text field, currency or an attribute)."""
        return combined(self._columns.column(name))

    def with_ledger_file_id(self, ledger_file_id: int | None) -> ColumnRecords:
        """The same records, owned by `ledger_file_id` (the columns are shared, not copied)."""
        twin = ColumnRecords(
            ledger_file_id=ledger_file_id, columns=self._columns, debit=self.debit, credit=self.credit
        )
        twin._cache = self._cache  # ledger-independent columns, computed once for every owner
        twin._lock = self._lock
        twin._locks = self._locks
        return twin

    def take(self, positions: pa.Array) -> ColumnRecords:
        """The records at `positions` (ascending), as columns: a subset without building a `Record`."""
        return ColumnRecords(
            ledger_file_id=self._ledger_file_id,
            columns=self._columns.take(positions),
            debit=Amounts(units=pc.take(self.debit.units, positions), scale=self.debit.scale),
            credit=Amounts(units=pc.take(self.credit.units, positions), scale=self.credit.scale),
        )

    def _shared(self, key: str, build: Callable[[], Any]) -> Any:
        """The derived column `key`, built once for every thread and every owner of these columns.

        Each key has a lock of its own: one thread building a column holds up only a thread that
        needs that same column, not one reading another.
        """
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._cache:
                self._cache[key] = build()
            return self._cache[key]

    def _text(self, name: str) -> pa.Array:
        amounts = self.debit if name == "debit" else self.credit
        return self._shared(name, amounts.canonical_text)

    def _attribute_names(self) -> list[str]:
        return list(self._columns.column_names[8:])

    def _build(self, start: int, stop: int) -> Iterator[Record]:
        count = stop - start
        table = self._columns.slice(start, count)
        columns = [table.column(i).to_pylist() for i in range(8)]
        debits = [Decimal(v) for v in self._text("debit").slice(start, count).to_pylist()]
        credits = [Decimal(v) for v in self._text("credit").slice(start, count).to_pylist()]
        names = self._attribute_names()
        values = [table.column(8 + i).to_pylist() for i in range(len(names))]
        attributes = (
            [
                {name: text for name, text in zip(names, row, strict=True) if text}
                for row in zip(*values, strict=True)
            ]
            if names
            else [{} for _ in range(count)]
        )
        lfid = self._ledger_file_id
        rows, dates, account, account_name, description, reference, journal, currency = columns
        for i in range(count):
            yield trusted_record(
                lfid,
                rows[i],
                dates[i],
                account[i],
                account_name[i],
                description[i],
                reference[i],
                journal[i],
                debits[i],
                credits[i],
                currency[i],
                attributes[i],
            )

    # -- canonical bytes ----------------------------------------------------------------------

    def canonical_batches(self, rows: int = _BATCH_ROWS) -> Iterator[CanonicalBatch]:
        """Canonical JSON Lines of the records, a batch of `rows` records at a time.

        A full pass also remembers the records sha256 and totals (see `canonical_digest`).
        """
        digest = hashlib.sha256()
        debit_total = credit_total = Decimal(0)
        for start in range(0, len(self), rows):
            stop = min(len(self), start + rows)
            batch = CanonicalBatch(
                lines=joined(self._json_lines(start, stop)),
                count=stop - start,
                debit_total=self.debit.total(start, stop),
                credit_total=self.credit.total(start, stop),
            )
            digest.update(batch.lines)
            debit_total += batch.debit_total
            credit_total += batch.credit_total
            yield batch
        self._digest = (digest.hexdigest(), len(self), debit_total, credit_total)

    def canonical_digest(self) -> tuple[str, int, Decimal, Decimal]:
        """(records sha256, count, debit total, credit total), as `SummaryBuilder` gives them."""
        if self._digest is None:
            for _ in self.canonical_batches():
                pass
        assert self._digest is not None
        return self._digest

    def _json_lines(self, start: int, stop: int) -> pa.Array:
        count = stop - start
        table = self._columns.slice(start, count)
        dates = pc.cast(table.column("posted_on"), pa.string())
        date_json = pc.fill_null(pc.binary_join_element_wise(_QUOTE, dates, _QUOTE, EMPTY), literal("null"))
        parts: list[Any] = [
            b'{"ledger_file_id":' + orjson.dumps(self._ledger_file_id) + b',"row_number":',
            pc.cast(table.column("row_number"), pa.string()),
            ',"posted_on":',
            date_json,
        ]
        # Quotes are literal parts of the join: a text column is used as it is unless it needs escapes.
        for name in _TEXT_FIELDS:
            parts += [f',"{name}":"', json_string_body(table.column(name)), '"']
        parts += [
            ',"debit":"',
            self._text("debit").slice(start, count),
            '","credit":"',
            self._text("credit").slice(start, count),
            '","currency":"',
            json_string_body(table.column("currency")),
            '","attributes":',
            self._attributes_json(start, stop),
            "}\n",
        ]
        return pc.binary_join_element_wise(*[literal(combined(p)) for p in parts], EMPTY)

    def _attributes_json(self, start: int, stop: int) -> pa.Array:
        """The attributes of rows [start, stop) as canonical JSON objects.

        Built a block of `_BATCH_ROWS` rows at a time, each block once (the artifact and the hot
        COPY share them): a consumer starts on its first batch as soon as that block is built
        (~25 ms), not after the whole column (~0.4 s for 1M rows). A batch aligned on the blocks,
        as both consumers' are, is a block itself, not a copy.
        """
        first, last = start // _BATCH_ROWS, max(start, stop - 1) // _BATCH_ROWS
        blocks = [
            self._shared(f"attributes {block}", partial(self._attributes_block, block))
            for block in range(first, last + 1)
        ]
        column = blocks[0] if len(blocks) == 1 else pa.concat_arrays(blocks)
        return column.slice(start - first * _BATCH_ROWS, stop - start)

    def _attributes_block(self, block: int) -> pa.Array:
        return self._build_attributes_json(self._columns.slice(block * _BATCH_ROWS, _BATCH_ROWS))

    def _build_attributes_json(self, table: pa.Table) -> pa.Array:
        names = self._attribute_names()
        if not names:
            return pa.repeat(literal("{}"), table.num_rows)
        # orjson's OPT_SORT_KEYS orders keys by their UTF-8 bytes. An absent attribute ("") is
        # left out: its fragment is null (its key is), and nulls join as nothing. A comma goes
        # before a key when an earlier attribute of the row is present.
        fragments = []
        earlier: pa.Array | None = None
        absent = scalar(None, pa.string())
        for name in sorted(names, key=lambda n: n.encode()):
            values = combined(table.column(name))
            present = pc.fill_null(pc.not_equal(values, EMPTY), literal(False))
            key = orjson.dumps(name).decode() + ':"'
            keys = literal(key) if earlier is None else pc.if_else(earlier, literal("," + key), literal(key))
            fragments.append(
                pc.binary_join_element_wise(
                    pc.if_else(present, keys, absent), json_string_body(values), _QUOTE, EMPTY
                )
            )
            earlier = present if earlier is None else pc.or_(earlier, present)
        return pc.binary_join_element_wise(
            literal("{"), *fragments, literal("}"), EMPTY, null_handling="replace", null_replacement=""
        )

    def text_columns(self, start: int, stop: int) -> tuple[Any, ...]:
        """Rows [start, stop) as canonical text, one column per field (`CanonicalRecords`)."""
        count = stop - start
        table = self._columns.slice(start, count)
        return (
            None if self._ledger_file_id is None else str(self._ledger_file_id),
            pc.cast(table.column("row_number"), pa.string()),
            pc.cast(table.column("posted_on"), pa.string()),
            *(table.column(name) for name in _TEXT_FIELDS),
            self._text("debit").slice(start, count),
            self._text("credit").slice(start, count),
            table.column("currency"),
            self._attributes_json(start, stop),
        )

    def typed_columns(self, start: int, stop: int) -> tuple[Any, ...] | None:
        """Rows [start, stop) in their own Arrow types, one column per field (`CanonicalRecords`).

        The ledger file id is one value for the batch (an int or None); row numbers are int64,
        dates date32 (null when absent), amounts `decimal128(38, 2)`, the attributes canonical
        JSON objects as text. None when an amount column needs more than two decimals
        (`Amounts.decimals`): then no batch of these records has typed columns.
        """
        debit, credit = self._decimals("debit"), self._decimals("credit")
        if debit is None or credit is None:
            return None
        count = stop - start
        table = self._columns.slice(start, count)
        return (
            self._ledger_file_id,
            combined(table.column("row_number")),
            combined(table.column("posted_on")),
            *(combined(table.column(name)) for name in _TEXT_FIELDS),
            debit.slice(start, count),
            credit.slice(start, count),
            combined(table.column("currency")),
            self._attributes_json(start, stop),
        )

    def _decimals(self, name: str) -> pa.Array | None:
        amounts = self.debit if name == "debit" else self.credit
        return self._shared(f"{name} decimals", amounts.decimals)


def json_string_body(values: Any) -> pa.Array:
    """Each text as orjson writes it between its quotes: the canonical encoding's JSON strings.

    Most texts need no escape: they are kept as they are (no copy). The few that hold a quote or a
    backslash (found with one scan of the column's bytes, not a regex per value) get both escaped
    by two vectorised replaces, which is exactly what orjson writes for them; a text with a control
    character is rare and is written by orjson itself. Non-ASCII text (and DEL, U+2028) passes
    unescaped, as orjson writes it; a lone surrogate cannot be in an Arrow string (nor in a record:
    orjson refuses it). A null stays null.
    """
    values = combined(values)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(pa.string())
    quote_or_backslash, control = _escape_rows(values)
    if quote_or_backslash is None:
        return values
    needs = quote_or_backslash | control
    subset = pc.filter(values, array(needs, pa.bool_()))
    escaped = pc.replace_substring(pc.replace_substring(subset, "\\", "\\\\"), '"', '\\"')
    if control.any():
        rows = array(control[needs], pa.bool_())
        exact = [orjson.dumps(v).decode()[1:-1] for v in pc.filter(subset, rows).to_pylist()]
        escaped = pc.replace_with_mask(escaped, rows, array(exact, pa.large_string()).cast(escaped.type))
    return pc.replace_with_mask(values, array(needs, pa.bool_()), escaped)


def _escape_rows(values: pa.Array) -> tuple[Any, Any]:
    """Which rows hold a quote or backslash, and which a control character (numpy bool arrays),
    from one pass over the string data; (None, None) when no row needs an escape."""
    import numpy as np

    if len(values) == 0 or values.null_count == len(values):
        return None, None
    width = np.int64 if pa.types.is_large_string(values.type) else np.int32
    offsets = np.frombuffer(values.buffers()[1], dtype=width)[values.offset : values.offset + len(values) + 1]
    data = values.buffers()[2]
    if data is None or offsets[-1] == offsets[0]:
        return None, None
    text = np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]
    found, controls = [], []
    for begin in range(0, len(text), _SCAN_BYTES):  # in blocks: a few MB of temporaries at most
        block = text[begin : begin + _SCAN_BYTES]
        control_bytes = block < 0x20
        at = np.flatnonzero(control_bytes | (block == 0x22) | (block == 0x5C))
        found.append(at + begin)
        controls.append(control_bytes[at])
    positions = np.concatenate(found)
    if len(positions) == 0:
        return None, None
    is_control = np.concatenate(controls)
    # A byte belongs to the last row whose start is at or before it; nulls and empty texts own
    # no bytes, so they are never marked.
    rows = np.searchsorted(offsets, positions + offsets[0], side="right") - 1
    marked = np.zeros(len(values), dtype=bool)
    marked[rows] = True
    control = np.zeros(len(values), dtype=bool)
    control[rows[is_control]] = True
    return marked & ~control, control


def dates_from_days(days: Sequence[int | None]) -> list[dt.date | None]:
    """date32 day numbers to dates (used by tests and readers of raw columns)."""
    epoch = dt.date(1970, 1, 1)
    return [None if d is None else epoch + dt.timedelta(days=d) for d in days]
