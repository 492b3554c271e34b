"""Canonical bytes of records: the one encoding artifacts, JSON Lines output and checksums share.

A record's canonical form is one JSON object on one line: keys in `RECORD_FIELDS` order,
decimals as strings in canonical form, dates as ISO strings, attributes sorted by key (so the
order a store happens to keep keys in never changes the bytes). The same records always give the
same bytes, whichever tier served them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

import orjson

from normalizer.record import RECORD_FIELDS, RECORD_SCHEMA, Record

_OPTIONS = orjson.OPT_SORT_KEYS


def record_to_json(record: Record) -> bytes:
    """The canonical JSON object of one record, without a trailing newline."""
    attributes = record.attributes
    # orjson sorts the keys of every dict with OPT_SORT_KEYS; the field order of the record is
    # kept by encoding it as a list of (key, value) pairs by hand instead.
    parts = [
        b'"ledger_file_id":',
        orjson.dumps(record.ledger_file_id),
        b',"row_number":',
        orjson.dumps(record.row_number),
        b',"posted_on":',
        orjson.dumps(record.posted_on.isoformat() if record.posted_on is not None else None),
        b',"account":',
        orjson.dumps(record.account),
        b',"account_name":',
        orjson.dumps(record.account_name),
        b',"description":',
        orjson.dumps(record.description),
        b',"reference":',
        orjson.dumps(record.reference),
        b',"journal":',
        orjson.dumps(record.journal),
        b',"debit":"',
        format(record.debit, "f").encode(),
        b'","credit":"',
        format(record.credit, "f").encode(),
        b'","currency":',
        orjson.dumps(record.currency),
        b',"attributes":',
        orjson.dumps(dict(attributes), option=_OPTIONS),
    ]
    return b"{" + b"".join(parts) + b"}"


def record_from_json(data: bytes | str | dict[str, Any]) -> Record:
    """Parse one canonical JSON object back into a `Record` (the inverse of `record_to_json`)."""
    obj = orjson.loads(data) if not isinstance(data, dict) else data
    missing = [name for name in RECORD_FIELDS if name not in obj]
    if missing:
        raise ValueError(f"record is missing fields: {', '.join(missing)}")
    return Record(**{spec.name: _FROM_JSON[spec.kind](obj[spec.name]) for spec in RECORD_SCHEMA})


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text is not None else None


def _same(value: Any) -> Any:
    return value


#: How each field kind is read back from its JSON value (see `normalizer.record.FieldKind`).
_FROM_JSON: dict[str, Callable[[Any], Any]] = {
    "id": _same,
    "integer": _same,
    "date": _date,
    "text": _same,
    "money": Decimal,
    "mapping": _same,
}


def jsonl_lines(records: Iterable[Record]) -> Iterator[bytes]:
    """Canonical JSON Lines: one record per line, each ending in a newline."""
    for record in records:
        yield record_to_json(record) + b"\n"


class RecordDigest:
    """Running sha256 of canonical records: the checksum every tier must agree on.

    The digest is the sha256 of the records' canonical JSON Lines bytes, so
    `ledgerstore normalize FILE | sha256sum` gives the same value.
    """

    __slots__ = ("_hash", "count")

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0

    def update_line(self, line: bytes) -> None:
        """Add one canonical JSON line (with its trailing newline)."""
        self._hash.update(line)
        self.count += 1

    def update_lines(self, lines: bytes | memoryview, count: int) -> None:
        """Add `count` consecutive canonical JSON lines at once (each with its newline)."""
        self._hash.update(lines)
        self.count += count

    def update(self, record: Record) -> None:
        """Add one record."""
        self.update_line(record_to_json(record) + b"\n")

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def records_sha256(records: Iterable[Record]) -> str:
    """The canonical sha256 of a sequence of records (see `RecordDigest`)."""
    digest = RecordDigest()
    for record in records:
        digest.update(record)
    return digest.hexdigest()


def decimal_to_json(value: Decimal) -> str:
    """Decimals travel as strings in JSON, in plain notation (never `1E-7`)."""
    return format(value, "f")


@dataclass(frozen=True, slots=True, kw_only=True)
class CanonicalBatch:
    """Canonical JSON Lines of consecutive records (each line ends in a newline), and their sums."""

    lines: memoryview
    count: int
    debit_total: Decimal
    credit_total: Decimal


@runtime_checkable
class CanonicalRecords(Protocol):
    """Records that give their canonical bytes in batches, without building a `Record` each.

    The columnar path's results (`normalizer.fast.records.ColumnRecords`) implement it; artifacts
    and hot loads use it when a record set offers it, and iterate `Record`s otherwise. Every
    value is in canonical form, so storage encodes it without re-checking.
    """

    @property
    def ledger_file_id(self) -> int | None: ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Record]: ...

    def with_ledger_file_id(self, ledger_file_id: int | None) -> CanonicalRecords:
        """The same records, owned by `ledger_file_id`."""
        ...

    def canonical_batches(self) -> Iterator[CanonicalBatch]:
        """Canonical JSON Lines of the records, a batch at a time."""
        ...

    def canonical_digest(self) -> tuple[str, int, Decimal, Decimal]:
        """(records sha256, count, debit total, credit total) of the whole set.

        The digest of exactly the lines `canonical_batches` gives; kept from a full pass of them,
        so a writer that has just made one reads it without hashing the lines again.
        """
        ...

    def typed_columns(self, start: int, stop: int) -> Sequence[Any] | None:
        """Rows [start, stop) in their own Arrow types, one column per field in `RECORD_FIELDS`
        order: the ledger file id as one value for the batch, int64 row numbers, date32 dates,
        strings, `decimal128(38, 2)` amounts, the attributes as canonical JSON objects (text).

        None, for every batch, when an amount needs more than two decimals: one decimal column
        has one scale, and a canonical amount keeps each value's own.
        """
        ...

    def text_columns(self, start: int, stop: int) -> Sequence[Any]:
        """Rows [start, stop) as one text column per field, in `RECORD_FIELDS` order.

        Each is a pyarrow string array (or one value for the whole batch): canonical amounts,
        ISO dates (null when absent), the attributes as canonical JSON objects.
        """
        ...
