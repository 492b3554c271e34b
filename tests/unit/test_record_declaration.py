"""Everything that lists the record's fields agrees with the one declaration, `RECORD_SCHEMA`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import orjson

from ledgerstore.db.schema import hot_records
from ledgerstore.hot.copy import TYPES
from normalizer.canonical import record_from_json, record_to_json
from normalizer.record import RECORD_FIELDS, RECORD_SCHEMA, Record, RecordDraft

_JSON = {
    "id": orjson.dumps,
    "integer": orjson.dumps,
    "date": lambda v: orjson.dumps(None if v is None else v.isoformat()),
    "text": orjson.dumps,
    "money": lambda v: b'"' + format(v, "f").encode() + b'"',
    "mapping": lambda v: orjson.dumps(dict(v), option=orjson.OPT_SORT_KEYS),
}


def _from_declaration(record: Record) -> bytes:
    """Canonical JSON built from the declaration alone (what the hand-unrolled encoder must give)."""
    parts = [orjson.dumps(f.name) + b":" + _JSON[f.kind](getattr(record, f.name)) for f in RECORD_SCHEMA]
    return b"{" + b",".join(parts) + b"}"


RECORDS = [
    Record(
        ledger_file_id=3,
        row_number=7,
        posted_on=dt.date(2025, 2, 28),
        account="4000",
        account_name='Sales "EU"',
        description="line\twith\ncontrol \\ chars é",
        reference="",
        journal="J-1",
        debit=Decimal("1234.5"),
        credit=Decimal(0),
        currency="EUR",
        attributes={"zeta": "1", "Alpha": "ß", "": "blank key"},
    ),
    Record(
        ledger_file_id=None,
        row_number=1,
        posted_on=None,
        account="",
        account_name="",
        description="",
        reference="",
        journal="",
        debit=Decimal("0.001"),
        credit=Decimal("10"),
        currency="",
    ),
]


def test_the_record_class_has_the_declared_fields_in_order() -> None:
    assert tuple(f.name for f in dataclasses.fields(Record)) == RECORD_FIELDS
    assert RecordDraft.__slots__ == RECORD_FIELDS


def test_canonical_json_follows_the_declaration() -> None:
    for record in RECORDS:
        line = record_to_json(record)
        assert line == _from_declaration(record)
        assert tuple(orjson.loads(line)) == RECORD_FIELDS
        assert record_from_json(line) == record


def test_the_hot_table_and_copy_types_follow_the_declaration() -> None:
    # The record's fields, then the partition key.
    assert tuple(column.name for column in hot_records.columns) == (*RECORD_FIELDS, "slot")
    assert [column.nullable for column in hot_records.columns] == [
        *(f.nullable for f in RECORD_SCHEMA),
        False,
    ]
    assert len(TYPES) == len(RECORD_SCHEMA)
