"""COPY encoding of records for the hot table: binary COPY, from columns where records have them.

Every way follows `normalizer.record.RECORD_SCHEMA`: the column list and the PostgreSQL type of
each field. Records that offer canonical columns (`normalizer.canonical.CanonicalRecords`, the
columnar path) are copied with no `Record` built: in binary, encoded from their typed Arrow
columns by pgpq, or, when an amount needs more than two decimals (no one decimal column keeps
each value's own scale), as CSV that Arrow's writer renders from their canonical text. Any
other record set is copied row by row in binary by psycopg.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import attrgetter
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ledgerstore.summary import RecordSummary, SummaryBuilder
from normalizer.canonical import CanonicalRecords
from normalizer.record import RECORD_FIELDS, RECORD_SCHEMA, Record

#: The PostgreSQL type of each record field kind, as binary COPY declares it.
_PG_TYPES = {
    "id": "bigint",
    "integer": "integer",
    "date": "date",
    "text": "text",
    "money": "numeric",
    "mapping": "jsonb",
}
COLUMNS = sql.SQL(", ").join(sql.Identifier(name) for name in RECORD_FIELDS)
TYPES = tuple(_PG_TYPES[spec.kind] for spec in RECORD_SCHEMA)
_VALUES = attrgetter(*RECORD_FIELDS)
_BATCH_ROWS = 65_536
assert RECORD_SCHEMA[-1].kind == "mapping"  # _row wraps the last value (attributes) as jsonb


def copy_records(
    driver: psycopg.Connection[Any], table: sql.Identifier, ledger_file_id: int, records: Iterable[Record]
) -> RecordSummary:
    """COPY `records` into `table` (binary), owned by `ledger_file_id`; their summary."""
    if isinstance(records, CanonicalRecords):
        return _copy_columnar(driver, table, ledger_file_id, records)
    builder = SummaryBuilder()
    copy_in = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(table, COLUMNS)
    with driver.cursor() as cursor, cursor.copy(copy_in) as copy:
        copy.set_types(list(TYPES))
        for record in records:
            owned = (
                record
                if record.ledger_file_id == ledger_file_id
                else record.with_ledger_file_id(ledger_file_id)
            )
            builder.add(owned)
            copy.write_row(_row(owned))
    return builder.summary()


def _row(record: Record) -> tuple[Any, ...]:
    values = _VALUES(record)
    return (*values[:-1], Jsonb(dict(values[-1])))


def _copy_columnar(
    driver: psycopg.Connection[Any], table: sql.Identifier, ledger_file_id: int, records: CanonicalRecords
) -> RecordSummary:
    """Binary COPY from the typed columns (CSV from the canonical text when there are none); the
    summary comes from the records' canonical lines (computed once, shared with the artifact)."""
    owned = (
        records if records.ledger_file_id == ledger_file_id else records.with_ledger_file_id(ledger_file_id)
    )
    binary = owned.typed_columns(0, 0) is not None
    copy_in = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT {})").format(
        table, COLUMNS, sql.SQL("binary" if binary else "csv")
    )
    with driver.cursor() as cursor, cursor.copy(copy_in) as copy:
        for batch in copy_binary_batches(owned) if binary else copy_csv_batches(owned):
            copy.write(batch)
    sha256, count, debit, credit = owned.canonical_digest()
    return RecordSummary(count=count, debit_total=debit, credit_total=credit, records_sha256=sha256)


def copy_binary_batches(records: CanonicalRecords, rows: int = _BATCH_ROWS) -> Iterator[bytes]:
    """The records as PostgreSQL binary COPY data (columns in `RECORD_FIELDS` order), encoded by
    pgpq from their typed columns (`CanonicalRecords.typed_columns`, which must not be None).

    The server then parses no text: in a 1M-row load its CPU fell by about a third (the CSV
    parse alone was 33% of it), and the encoding costs half what Arrow's CSV writer does.
    Each column is cast to the Arrow type that encodes as its field's PostgreSQL type; the
    attributes, canonical JSON text, are sent as jsonb.
    """
    import pyarrow as pa  # only columnar records get here, and they are made with pyarrow
    from pgpq import ArrowToPostgresBinaryEncoder
    from pgpq._pgpq import Jsonb, StringEncoderBuilder

    types = _arrow_types()
    schema = pa.schema([(spec.name, types[spec.kind]) for spec in RECORD_SCHEMA])
    encoders = {
        field.name: (
            StringEncoderBuilder.new_with_output(field, Jsonb())
            if spec.kind == "mapping"
            else ArrowToPostgresBinaryEncoder.infer_encoder(field)
        )
        for field, spec in zip(schema, RECORD_SCHEMA, strict=True)
    }
    encoder = ArrowToPostgresBinaryEncoder.new_with_encoders(schema, encoders)
    yield encoder.write_header()
    for start in range(0, len(records), rows):
        stop = min(len(records), start + rows)
        columns = records.typed_columns(start, stop)
        assert columns is not None, "binary COPY needs typed columns"
        count = stop - start
        arrays = [_typed(value, field.type, count) for value, field in zip(columns, schema, strict=True)]
        yield encoder.write_batch(pa.record_batch(arrays, schema=schema))
    yield encoder.finish()


def _arrow_types() -> dict[str, Any]:
    """The Arrow type of each field kind on the wire: the records' own (`arrow_type`), except
    that a PostgreSQL `integer` is 4 bytes and the attributes travel as their JSON text."""
    import pyarrow as pa

    from ledgerstore.artifacts.columns import arrow_type

    return {spec.kind: arrow_type(spec.kind) for spec in RECORD_SCHEMA} | {
        "integer": pa.int32(),
        "mapping": pa.string(),
    }


def _typed(value: Any, type_: Any, count: int) -> Any:
    """A column as an Arrow array of `type_`: one value for the batch (or None, a missing column)
    repeated, built with `normalizer.fast.arrow.scalar` (`pa.scalar` would import pandas); an
    array cast where its type differs, checked (an int64 row number that does not fit `integer`
    raises)."""
    import pyarrow as pa

    from normalizer.fast.arrow import scalar

    if value is None:
        return pa.nulls(count, type_)
    if not isinstance(value, pa.Array | pa.ChunkedArray):
        return pa.repeat(scalar(value, type_), count)
    return value if value.type == type_ else value.cast(type_)


def copy_csv_batches(records: CanonicalRecords, rows: int = _BATCH_ROWS) -> Iterator[bytes]:
    """The records as PostgreSQL CSV COPY rows (columns in `RECORD_FIELDS` order).

    Arrow's writer quotes every text value, so an empty text arrives as `""` (an empty string) and
    a null as an empty field (NULL), which is how COPY's CSV format tells them apart; quotes,
    commas, newlines and backslashes need no other escaping there. About 4x cheaper than
    joining COPY text column by column, and the server parses it no slower.
    """
    import pyarrow as pa  # only columnar records get here, and they are made with pyarrow
    import pyarrow.csv as pa_csv

    options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
    for start in range(0, len(records), rows):
        stop = min(len(records), start + rows)
        count = stop - start
        columns = [_typed(value, pa.string(), count) for value in records.text_columns(start, stop)]
        sink = pa.BufferOutputStream()
        pa_csv.write_csv(pa.table(columns, names=list(RECORD_FIELDS)), sink, options)
        yield sink.getvalue().to_pybytes()
