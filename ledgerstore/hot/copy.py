"""COPY encoding of records for the hot table: binary COPY of `Record`s, text COPY of columns.

Both follow `normalizer.record.RECORD_SCHEMA`: the column list, the PostgreSQL type of each
field, which fields may be null and which are escaped. Records that offer canonical columns
(`normalizer.canonical.CanonicalRecords`, the columnar path) are copied as text built column by
column, with no `Record` built; any other record set is copied row by row in binary.
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
_NEEDS_COPY_ESCAPE = r"[\\\x00-\x1f\x7f]"
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
    """Text COPY built column by column; the summary comes from the records' canonical lines
    (computed once, shared with the artifact)."""
    owned = (
        records if records.ledger_file_id == ledger_file_id else records.with_ledger_file_id(ledger_file_id)
    )
    copy_in = sql.SQL("COPY {} ({}) FROM STDIN").format(table, COLUMNS)
    with driver.cursor() as cursor, cursor.copy(copy_in) as copy:
        for batch in copy_text_batches(owned):
            copy.write(batch)
    sha256, count, debit, credit = owned.canonical_digest()
    return RecordSummary(count=count, debit_total=debit, credit_total=credit, records_sha256=sha256)


def copy_text_batches(records: CanonicalRecords, rows: int = _BATCH_ROWS) -> Iterator[memoryview]:
    """The records as PostgreSQL COPY text rows (columns in `RECORD_FIELDS` order)."""
    import pyarrow.compute as pc  # only columnar records get here, and they are made with pyarrow

    from normalizer.fast.arrow import joined

    for start in range(0, len(records), rows):
        stop = min(len(records), start + rows)
        parts = [
            _copy_field(spec.kind, spec.nullable, value)
            for spec, value in zip(RECORD_SCHEMA, records.text_columns(start, stop), strict=True)
        ]
        line = pc.binary_join_element_wise(*parts, "\t")
        yield joined(pc.binary_join_element_wise(line, "\n", ""))


def _copy_field(kind: str, nullable: bool, value: Any) -> Any:
    """One field's column in COPY text form: `\\N` for null, text and JSON escaped."""
    import pyarrow.compute as pc

    from normalizer.fast.arrow import combined

    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value
    value = combined(value)
    if kind in ("text", "mapping"):
        value = _copy_text(value)
    if nullable:
        value = pc.fill_null(value, "\\N")
    return value


def _copy_text(values: Any) -> Any:
    """Text in COPY text format: backslash, tab, newline and carriage return escaped."""
    import pyarrow.compute as pc

    if not pc.any(pc.match_substring_regex(values, _NEEDS_COPY_ESCAPE)).as_py():
        return values
    for raw, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        values = pc.replace_substring(values, raw, escaped)
    return values
