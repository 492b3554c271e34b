"""The artifact format: canonical, standard-tool readable, streamable, and strict on bad bytes."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerstore.artifacts import format_v1 as artifact_format
from ledgerstore.artifacts.format_v1 import (
    ArtifactEncoder,
    decode_artifact,
    decode_artifact_batches,
    encode_artifact,
)
from ledgerstore.artifacts.io import read_verified
from ledgerstore.errors import ArtifactFormatError, ArtifactIntegrityError
from ledgerstore.objectstore.base import ObjectInfo
from ledgerstore.objectstore.memory import MemoryStore
from ledgerstore.summary import RecordSummary, summarize
from normalizer.canonical import jsonl_lines
from normalizer.record import Record, RecordDraft, trusted_record

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
amount = st.decimals(min_value=0, max_value=10**12, places=3, allow_nan=False, allow_infinity=False)
records_strategy = st.lists(
    st.builds(
        Record,
        ledger_file_id=st.just(42),
        row_number=st.integers(min_value=1, max_value=10**6),
        posted_on=st.none() | st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)),
        account=text,
        account_name=text,
        description=text,
        reference=text,
        journal=text,
        debit=amount,
        credit=amount,
        currency=st.sampled_from(["", "USD", "EUR"]),
        attributes=st.dictionaries(text, text, max_size=4),
    ),
    max_size=30,
)


def _record(row: int, **changes: object) -> Record:
    values: dict[str, object] = {
        "ledger_file_id": 1,
        "row_number": row,
        "posted_on": dt.date(2024, 2, 29),
        "account": "1200",
        "account_name": "Bank",
        "description": 'Invoice "A", paid',
        "reference": "RE-1",
        "journal": "J1",
        "debit": Decimal("24.95"),
        "credit": Decimal(0),
        "currency": "EUR",
        "attributes": {"Kost1": "", "BU": "9"},
    }
    values.update(changes)
    return Record(**values)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(records_strategy)
def test_any_records_round_trip_exactly(records: list[Record]) -> None:
    data, summary = encode_artifact(records)
    assert list(decode_artifact(io.BytesIO(data))) == records
    assert summary == summarize(records)


def test_bytes_are_canonical_and_readable_by_standard_tools() -> None:
    records = [_record(2), _record(3, debit=Decimal(0), credit=Decimal("5950"))]
    first, _ = encode_artifact(records)
    second, _ = encode_artifact(list(records))
    assert first == second
    assert first[4:8] == b"\0\0\0\0"  # gzip mtime = 0
    assert first[3] & 0x08 == 0  # no file name in the header
    text = gzip.decompress(first).decode()
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 4  # one record per line
    parsed = json.loads(text)
    assert parsed[1]["credit"] == "5950.00" and parsed[1]["debit"] == "0.00"
    assert list(parsed[0]) == [
        "ledger_file_id",
        "row_number",
        "posted_on",
        "account",
        "account_name",
        "description",
        "reference",
        "journal",
        "debit",
        "credit",
        "currency",
        "attributes",
    ]


def test_an_empty_record_set_is_an_empty_array() -> None:
    data, summary = encode_artifact([])
    assert json.loads(gzip.decompress(data)) == []
    assert list(decode_artifact(io.BytesIO(data))) == []
    assert summary.count == 0 and summary.debit_total == 0


def test_encoder_streams_in_chunks_and_reports_the_summary_at_the_end() -> None:
    # Hashes do not compress, so the output really spans several megabyte-sized chunks.
    records = [
        _record(i, description=hashlib.sha512(str(i).encode()).hexdigest() * 2) for i in range(1, 20_001)
    ]
    encoder = ArtifactEncoder(iter(records))
    chunks = list(encoder.chunks())
    assert len(chunks) > 1
    assert encoder.summary is not None and encoder.summary.count == 20_000
    assert encoder.summary.debit_total == Decimal("24.95") * 20_000


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[: len(data) // 2], "not valid gzip"),
        (lambda data: data[:10] + bytes([data[10] ^ 0xFF]) + data[11:], "not valid gzip"),
        (lambda data: b"not gzip at all", "not valid gzip"),
        (lambda data: gzip.compress(b'[\n{"a": 1}\n]\n'), "malformed record"),
        (lambda data: gzip.compress(b"{}\n"), "does not start with"),
        (lambda data: gzip.compress(gzip.decompress(data)[:-2]), "truncated"),
        (lambda data: gzip.compress(gzip.decompress(data) + b"{}\n"), "after its closing"),
        (lambda data: gzip.compress(gzip.decompress(data).replace(b'"24.95"', b"24.95")), "malformed"),
        (lambda data: gzip.compress(gzip.decompress(data).replace(b"},\n{", b"},{")), "one record per"),
        (lambda data: gzip.compress(gzip.decompress(data).replace(b"},\n{", b"}\n{")), "malformed"),
        (lambda data: gzip.compress(gzip.decompress(data)[:-1]), "truncated"),
    ],
)
def test_damaged_artifacts_are_refused(damage: object, message: str) -> None:
    data, _ = encode_artifact([_record(1), _record(2)])
    with pytest.raises(ArtifactFormatError, match=message):
        list(decode_artifact(io.BytesIO(damage(data))))  # type: ignore[operator]


def test_blank_lines_between_records_change_the_records_sha256() -> None:
    # The parser tolerates JSON whitespace between records; the lines it hashes keep it, so the
    # summary (which every reader compares with the recorded one) no longer matches.
    records = [_record(1), _record(2)]
    data, summary = encode_artifact(records)
    padded = gzip.compress(gzip.decompress(data).replace(b",\n{", b",\n \n{"))
    batches = list(decode_artifact_batches(io.BytesIO(padded)))
    assert b"".join(batch.lines for batch in batches) != b"".join(jsonl_lines(records))
    hashed = hashlib.sha256(b"".join(batch.lines for batch in batches)).hexdigest()
    assert hashed != summary.records_sha256


def _varied(count: int) -> list[Record]:
    """Records that repeat some amounts and dates and leave others unique or missing."""
    return [
        _record(
            i,
            posted_on=None if i % 11 == 0 else dt.date(2024, 1, 1) + dt.timedelta(days=i % 400),
            debit=Decimal(i) / 100 if i % 2 else Decimal(0),
            credit=Decimal("0.1") if i % 2 == 0 else Decimal(0),
            description=("x" * 70_000) if i == 3 else f"line {i}",  # one line longer than a read
        )
        for i in range(1, count + 1)
    ]


def test_batches_carry_the_canonical_lines_and_totals_of_their_records() -> None:
    records = _varied(3_000)
    data, summary = encode_artifact(records)
    batches = list(decode_artifact_batches(io.BytesIO(data)))
    assert len(batches) > 1
    assert [r for batch in batches for r in batch.records] == records
    assert b"".join(batch.lines for batch in batches) == b"".join(jsonl_lines(records))
    assert sum((batch.debit_total for batch in batches), Decimal(0)) == summary.debit_total
    assert sum((batch.credit_total for batch in batches), Decimal(0)) == summary.credit_total


def test_decoded_records_are_exact_records() -> None:
    records = _varied(50)
    decoded = list(decode_artifact(io.BytesIO(encode_artifact(records)[0])))
    assert decoded == records
    assert all(type(r) is Record for r in decoded)
    for got, want in zip(decoded, records, strict=True):
        assert str(got.debit) == str(want.debit) and str(got.credit) == str(want.credit)
        assert type(got.attributes) is type(want.attributes)
    with pytest.raises(AttributeError):
        decoded[0].account = "changed"  # type: ignore[misc]


def test_a_record_draft_has_the_layout_of_a_record() -> None:
    # Sealing a draft (assigning `__class__`) needs the same slots in the same order.
    assert RecordDraft.__slots__ == Record.__slots__
    assert artifact_format._StoredRecord.__slots__ == Record.__slots__  # msgspec's drafts
    built = trusted_record(
        1, 2, dt.date(2024, 2, 29), "1200", "Bank", "", "", "J1", Decimal("1.00"), Decimal("0.00"), "", {}
    )
    assert type(built) is Record
    assert built == _record(
        2, description="", reference="", debit=Decimal(1), credit=Decimal(0), currency="", attributes={}
    )


def _stored(records: list[Record]) -> tuple[MemoryStore, ObjectInfo, RecordSummary]:
    store = MemoryStore()
    data, summary = encode_artifact(records)
    info = store.put_once("artifacts/1.json.gz", data)
    return store, info, summary


def test_read_verified_serves_the_records_once_verified() -> None:
    records = _varied(2_000)
    store, info, summary = _stored(records)
    assert list(read_verified(store, 1, info, summary)) == records


def test_read_verified_serves_nothing_from_damaged_bytes() -> None:
    store, info, summary = _stored(_varied(10))
    damaged = MemoryStore()
    data = store.read_bytes("artifacts/1.json.gz")
    damaged.put_once("artifacts/1.json.gz", data[:-9] + bytes([data[-9] ^ 1]) + data[-8:])
    with pytest.raises(ArtifactIntegrityError) as raised:
        next(read_verified(damaged, 1, info, summary))
    assert raised.value.kind == "artifact_checksum"


def test_read_verified_checks_the_records_summary_at_the_end() -> None:
    store, info, summary = _stored(_varied(10))
    other = summarize(_varied(9))
    stream = read_verified(store, 1, info, other)
    with pytest.raises(ArtifactIntegrityError) as raised:
        list(stream)
    assert raised.value.kind == "artifact_count"
    wrong_total = RecordSummary(
        count=summary.count,
        debit_total=summary.debit_total + 1,
        credit_total=summary.credit_total,
        records_sha256=summary.records_sha256,
    )
    with pytest.raises(ArtifactIntegrityError):
        list(read_verified(store, 1, info, wrong_total))
