"""Records as Arrow columns, exactly: decimal128 amounts, date32 dates, the attributes as a map.

Two ways in, one result. `LinesDecoder` parses the records' canonical JSON Lines (what every
artifact format gives, `ArtifactCodec.batches(...).lines`, or format 1's `line_chunks`) with
pyarrow's JSON reader, a few megabytes at a time, and never builds a Python object per record;
`records_table` converts `Record`s (hot rows, a reprocessed file). Both end in the same
conversions (`_finish`), so a table is the same whichever tier served the records.

Exactness: amounts are read as the canonical strings they are stored as and cast to
`decimal128(38, s)`, `s` the largest scale of the column (2 unless an amount has more
decimals; Arrow refuses a cast that would drop a digit). The type is widened to `decimal256(76,
s)` when the sum of the whole column could exceed 38 digits, so any sum over its rows is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ledgerstore.errors import ArtifactFormatError
from normalizer.record import MONEY_FIELDS, RECORD_FIELDS, RECORD_SCHEMA, Record

if TYPE_CHECKING:
    import pyarrow as pa

#: Fields whose JSON value is a string (converted after parsing) or a number.
_STRING_KINDS = frozenset({"date", "text", "money"})
#: Bytes pyarrow's JSON reader hands to one thread; a longer line is read in a block of its own.
_BLOCK = 1 << 20
_DECIMAL128_DIGITS = 38
_DECIMAL256_DIGITS = 76


def arrow_type(kind: str, scale: int = 2) -> pa.DataType:
    """The Arrow type of a record field kind (`normalizer.record.FieldKind`)."""
    import pyarrow as pa

    types: dict[str, pa.DataType] = {
        "id": pa.int64(),
        "integer": pa.int64(),
        "date": pa.date32(),
        "text": pa.string(),
        "money": pa.decimal128(_DECIMAL128_DIGITS, scale),
        "mapping": pa.map_(pa.string(), pa.string()),
    }
    return types[kind]


def check_columns(columns: Sequence[str] | None) -> tuple[str, ...]:
    """The asked-for columns in the order given (every field, in field order, for None)."""
    if columns is None:
        return RECORD_FIELDS
    unknown = [name for name in columns if name not in RECORD_FIELDS]
    if unknown:
        raise ValueError(f"no record field {unknown[0]!r}; the fields are {', '.join(RECORD_FIELDS)}")
    return tuple(dict.fromkeys(columns))


class LinesDecoder:
    """Parses chunks of canonical JSON Lines into Arrow columns, counting the records as it goes.

    Feed every chunk to `add`, then `table()` gives the columns asked for and the debit and
    credit totals of every record (the amounts are always parsed, for those totals). Raises
    `ArtifactFormatError` on a line that is not a canonical record.
    """

    def __init__(self, columns: Sequence[str] | None = None) -> None:
        import pyarrow as pa
        import pyarrow.json as pj

        self.columns = check_columns(columns)
        wanted = set(self.columns) | set(MONEY_FIELDS)
        self._parsed = [spec for spec in RECORD_SCHEMA if spec.name in wanted and spec.kind != "mapping"]
        self._attributes = "attributes" in self.columns
        schema = pa.schema(
            [(spec.name, pa.string() if spec.kind in _STRING_KINDS else pa.int64()) for spec in self._parsed]
        )
        # Attributes are the one object: the reader infers a struct of the keys it meets.
        behaviour = "infer" if self._attributes else "ignore"
        self._options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior=behaviour)
        self._chunks: list[pa.Table] = []
        self.count = 0

    def add(self, lines: bytes | memoryview) -> None:
        """Parse one chunk of whole lines (each ending in a newline) and keep its columns."""
        self.append(self.parse(lines))

    def parse(self, lines: bytes | memoryview) -> pa.Table:
        """One chunk's columns, not kept: safe to call from several threads at once (pyarrow
        parses without the GIL); hand the results to `append` in the chunks' order."""
        import pyarrow as pa

        try:
            table = self._read(lines)
            if self._attributes:
                table = _with_attributes_map(table)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            raise ArtifactFormatError(f"the artifact holds a malformed record: {exc}") from exc
        return table

    def append(self, table: pa.Table) -> None:
        """Keep a chunk's columns (from `parse`), in order."""
        self._chunks.append(table)
        # One row per JSON object: whether that is one per line is proven by the records sha256,
        # which is taken over the same lines and compared with the recorded one.
        self.count += table.num_rows

    def _read(self, lines: bytes | memoryview) -> pa.Table:
        import pyarrow as pa
        import pyarrow.json as pj

        if not lines:
            return pa.schema(self._options.explicit_schema).empty_table()
        buffer = pa.py_buffer(lines)
        try:
            return pj.read_json(
                pa.BufferReader(buffer),
                read_options=pj.ReadOptions(block_size=_BLOCK, use_threads=False),
                parse_options=self._options,
            )
        except pa.ArrowInvalid as exc:
            if "straddling" not in str(exc):
                raise
        # A line longer than a block: read this chunk as one block.
        options = pj.ReadOptions(block_size=len(lines) + 1, use_threads=False)
        return pj.read_json(pa.BufferReader(buffer), read_options=options, parse_options=self._options)

    def table(self) -> tuple[pa.Table, Decimal, Decimal]:
        """The columns asked for, and the debit and credit totals of every record."""
        import pyarrow as pa

        if self._chunks:
            raw = pa.concat_tables(self._chunks)
        else:
            raw = pa.table({spec.name: pa.array([], arrow_type(spec.kind)) for spec in self._parsed})
            if self._attributes:
                raw = raw.append_column("attributes", _empty_maps(0))
        self._chunks.clear()
        try:
            return _finish(raw, self.columns)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise ArtifactFormatError(f"the artifact holds a malformed record: {exc}") from exc


def records_table(records: Iterable[Record], columns: Sequence[str] | None = None) -> pa.Table:
    """The records as Arrow columns (the same types and values `LinesDecoder` gives)."""
    import pyarrow as pa

    names = check_columns(columns)
    wanted = set(names) | set(MONEY_FIELDS)
    values: dict[str, list[Any]] = {name: [] for name in RECORD_FIELDS if name in wanted}
    appenders = [(name, values[name].append) for name in values]
    for record in records:
        for name, append in appenders:
            append(getattr(record, name))
    arrays: dict[str, pa.Array] = {}
    for spec in RECORD_SCHEMA:
        if spec.name not in values:
            continue
        column = values[spec.name]
        if spec.kind == "money":
            arrays[spec.name] = pa.array([format(value, "f") for value in column], pa.string())
        elif spec.kind == "mapping":
            # In key order, as canonical JSON has them (a hot row's jsonb keeps another order).
            arrays[spec.name] = pa.array([sorted(value.items()) for value in column], arrow_type("mapping"))
        elif spec.kind == "id":
            arrays[spec.name] = pa.array(column, pa.int64())
        else:
            arrays[spec.name] = pa.array(column, arrow_type(spec.kind))
    return _finish(pa.table(arrays), names)[0]


def _finish(raw: pa.Table, names: tuple[str, ...]) -> tuple[pa.Table, Decimal, Decimal]:
    """Dates to date32, amounts to exact decimals; the columns in `names` order and the totals."""
    import pyarrow as pa

    decimals = _decimal_columns([raw.column(name) for name in MONEY_FIELDS], raw.num_rows)
    money = dict(zip(MONEY_FIELDS, decimals, strict=True))
    totals = [_total(money[name]) for name in ("debit", "credit")]
    out: dict[str, pa.ChunkedArray] = {}
    for spec in RECORD_SCHEMA:
        if spec.name not in names:
            continue
        column = raw.column(spec.name)
        if spec.kind == "money":
            column = money[spec.name]
        elif spec.kind != "mapping" and column.type != arrow_type(spec.kind):
            column = column.cast(arrow_type(spec.kind))  # ISO date strings to date32
        out[spec.name] = column
    return pa.table({name: out[name] for name in names}), totals[0], totals[1]


def _decimal_columns(texts: list[pa.ChunkedArray], count: int) -> list[pa.ChunkedArray]:
    """Canonical amount strings as exact decimals of one type, wide enough for any sum of a column.

    Most ledgers have two decimals: one cast each. Arrow refuses a cast that would drop a digit,
    so a failed cast means more decimals (or digits) than assumed; they are counted then.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        columns = [text.cast(pa.decimal128(_DECIMAL128_DIGITS, 2)) for text in texts]
        scale = 2
    except pa.ArrowInvalid:
        scale = max(2, *(_scale(text) for text in texts))
        try:
            columns = [text.cast(pa.decimal128(_DECIMAL128_DIGITS, scale)) for text in texts]
        except pa.ArrowInvalid:
            columns = [_cast256(text, scale) for text in texts]
    # Amounts are non-negative: a sum over any rows is at most count * the largest amount.
    largest = max((pc.max(column).as_py() or Decimal(0) for column in columns), default=Decimal(0))
    unscaled = int(largest.scaleb(scale)) * max(count, 1)
    if columns and pa.types.is_decimal128(columns[0].type) and unscaled >= 10**_DECIMAL128_DIGITS:
        columns = [_cast256(text, scale) for text in texts]
    if unscaled >= 10**_DECIMAL256_DIGITS:
        raise ArtifactFormatError("the amounts are too large for exact Arrow decimal columns (76 digits)")
    return columns


def _cast256(text: pa.ChunkedArray, scale: int) -> pa.ChunkedArray:
    import pyarrow as pa

    try:
        return text.cast(pa.decimal256(_DECIMAL256_DIGITS, scale))
    except pa.ArrowInvalid as exc:
        raise ArtifactFormatError(f"an amount does not fit an exact Arrow decimal column: {exc}") from exc


def _scale(column: pa.ChunkedArray) -> int:
    """The largest number of decimals of canonical amount strings (each has a point)."""
    import pyarrow.compute as pc

    if len(column) == 0:
        return 2
    decimals = pc.subtract(pc.utf8_length(column), pc.add(pc.find_substring(column, "."), 1))
    return int(pc.max(decimals).as_py() or 0)


def _total(column: pa.ChunkedArray) -> Decimal:
    import pyarrow.compute as pc

    total = pc.sum(column).as_py()
    if total is None:  # no records
        return Decimal(0).scaleb(-column.type.scale)
    assert isinstance(total, Decimal)
    return total


def _with_attributes_map(table: pa.Table) -> pa.Table:
    """The table with the `attributes` struct the reader inferred replaced by a map column, last."""
    if "attributes" not in table.column_names:
        return table.append_column("attributes", _empty_maps(table.num_rows))
    attributes = _attributes_map(table.column("attributes"))
    return table.drop_columns(["attributes"]).append_column("attributes", attributes)


def _attributes_map(column: pa.ChunkedArray) -> pa.Array:
    """The struct the JSON reader inferred for `attributes`, as map<string, string> in key order."""
    import numpy as np
    import pyarrow as pa

    array = column.combine_chunks()
    count = len(array)
    if not pa.types.is_struct(array.type) or array.type.num_fields == 0:
        if pa.types.is_null(array.type) or pa.types.is_struct(array.type):
            return _empty_maps(count)
        raise pa.ArrowInvalid(f"attributes must be an object of strings, not {array.type}")
    names = sorted(array.type.field(index).name for index in range(array.type.num_fields))
    rows: list[Any] = []
    keys: list[Any] = []
    items: list[pa.Array] = []
    for index, name in enumerate(names):
        child = array.field(name)
        if not pa.types.is_string(child.type) and not pa.types.is_null(child.type):
            raise pa.ArrowInvalid(f"attribute {name!r} must be a string, not {child.type}")
        present = np.flatnonzero(child.is_valid().to_numpy(zero_copy_only=False))
        rows.append(present)
        keys.append(np.full(len(present), index, dtype=np.int32))
        items.append(child.cast(pa.string()).take(pa.array(present)))
    row = np.concatenate(rows)
    key = np.concatenate(keys)
    order = np.lexsort((key, row))  # by row, then by key: the canonical order of each object
    values = pa.concat_arrays(items).take(pa.array(order))
    key_names = pa.array(names, pa.string()).take(pa.array(key[order]))
    offsets = np.zeros(count + 1, dtype=np.int32)
    np.cumsum(np.bincount(row, minlength=count), out=offsets[1:])
    return pa.MapArray.from_arrays(pa.array(offsets), key_names, values, type=arrow_type("mapping"))


def _empty_maps(count: int) -> pa.Array:
    import numpy as np
    import pyarrow as pa

    offsets = pa.array(np.zeros(count + 1, dtype=np.int32))
    return pa.MapArray.from_arrays(
        offsets, pa.array([], pa.string()), pa.array([], pa.string()), type=arrow_type("mapping")
    )
