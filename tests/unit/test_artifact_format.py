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

from ledgerstore.artifact_format import ArtifactEncoder, ArtifactFormatError, decode_artifact, encode_artifact
from ledgerstore.summary import summarize
from normalizer.record import Record

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
    ],
)
def test_damaged_artifacts_are_refused(damage: object, message: str) -> None:
    data, _ = encode_artifact([_record(1), _record(2)])
    with pytest.raises(ArtifactFormatError, match=message):
        list(decode_artifact(io.BytesIO(damage(data))))  # type: ignore[operator]
