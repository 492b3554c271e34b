"""The columnar read of artifacts: exact Arrow columns, checked as strictly as the record read."""

from __future__ import annotations

import datetime as dt
import gzip
import io
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import given, settings

from ledgerstore.artifacts import format_v1 as artifact_format
from ledgerstore.artifacts.columns import LinesDecoder, records_table
from ledgerstore.artifacts.format_v1 import decode_artifact_lines, encode_artifact
from ledgerstore.artifacts.io import fetch_verified
from ledgerstore.errors import ArtifactFormatError, ArtifactIntegrityError
from ledgerstore.objectstore.base import ObjectInfo
from ledgerstore.objectstore.memory import MemoryStore
from ledgerstore.summary import RecordSummary, summarize
from normalizer.canonical import jsonl_lines
from normalizer.record import RECORD_FIELDS, Record
from tests.artifact_v2 import V2
from tests.unit.test_artifact_format import _record, _varied, records_strategy

KEY = "ledger-artifacts/1.json.gz"


def _stored(records: list[Record]) -> tuple[MemoryStore, ObjectInfo, RecordSummary]:
    store = MemoryStore()
    data, summary = encode_artifact(records)
    return store, store.put_once(KEY, data), summary


def _table(records: list[Record], columns: list[str] | None = None) -> pa.Table:
    store, info, summary = _stored(records)
    return fetch_verified(store, 1, info, summary).table(columns)


def _as_records(table: pa.Table) -> list[dict[str, object]]:
    rows = table.to_pylist()
    for row in rows:
        if "attributes" in row:
            row["attributes"] = dict(row["attributes"])
    return rows


def test_the_lines_are_the_records_canonical_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(artifact_format, "_COMPRESSED_READ", 64)  # lines cut across many blocks
    records = _varied(300)
    data, _ = encode_artifact(records)
    chunks = list(decode_artifact_lines(io.BytesIO(data)))
    assert len(chunks) > 10
    assert all(bytes(chunk).endswith(b"\n") for chunk in chunks)
    assert b"".join(chunks) == b"".join(jsonl_lines(records))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[:-30], "truncated|not valid gzip"),
        (lambda data: data + b"junk", "after its gzip stream"),
        (lambda data: gzip.compress(b"{}\n]\n", mtime=0), "does not start with"),
        (lambda data: gzip.compress(gzip.decompress(data)[:-2], mtime=0), "truncated"),
        (lambda data: b"not gzip at all", "not valid gzip"),
    ],
)
def test_damaged_artifacts_are_refused_by_the_line_reader(damage: object, message: str) -> None:
    data, _ = encode_artifact([_record(1), _record(2)])
    with pytest.raises(ArtifactFormatError, match=message):
        list(decode_artifact_lines(io.BytesIO(damage(data))))  # type: ignore[operator]


def test_columns_hold_exactly_the_records_values_and_types() -> None:
    records = _varied(3_000)  # amounts with up to 2 decimals, missing dates, a 70,000-char line
    table = _table(records)
    assert table.column_names == list(RECORD_FIELDS)
    assert table.schema.field("debit").type == pa.decimal128(38, 2)
    assert table.schema.field("credit").type == pa.decimal128(38, 2)
    assert table.schema.field("posted_on").type == pa.date32()
    assert table.schema.field("row_number").type == pa.int64()
    assert table.schema.field("attributes").type == pa.map_(pa.string(), pa.string())
    assert _as_records(table) == [record.as_dict() for record in records]
    # Keys of each attributes map in canonical (sorted) order.
    assert table.column("attributes")[0].as_py() == [("BU", "9"), ("Kost1", "")]


def test_the_scale_is_the_largest_number_of_decimals_and_no_digit_is_lost() -> None:
    records = [
        _record(1, debit=Decimal("1.235"), credit=Decimal(0)),
        _record(2, debit=Decimal("10"), credit=Decimal("0.5")),
        _record(3, debit=Decimal("0.0001"), credit=Decimal("7.25")),
    ]
    table = _table(records, ["debit", "credit"])
    assert table.schema.field("debit").type == pa.decimal128(38, 4)
    assert table.column("debit").to_pylist() == [Decimal("1.235"), Decimal(10), Decimal("0.0001")]
    assert [str(value) for value in table.column("debit").to_pylist()] == ["1.2350", "10.0000", "0.0001"]


def test_columns_whose_sum_could_pass_38_digits_are_decimal256() -> None:
    # A Record holds at most 28 digits (the default decimal context), so this takes lines by hand.
    big = "9" * 36 + ".99"
    decoder = LinesDecoder(["debit"])
    decoder.add(f'{{"debit":"{big}","credit":"0.00"}}\n'.encode() * 11)
    table, debit, credit = decoder.table()
    assert table.schema.field("debit").type == pa.decimal256(76, 2)
    assert table.column("debit").to_pylist() == [Decimal(big)] * 11
    assert debit == Decimal("10999999999999999999999999999999999999.89") and credit == Decimal("0.00")


def test_the_columns_asked_for_in_that_order() -> None:
    table = _table(_varied(20), ["credit", "account", "attributes"])
    assert table.column_names == ["credit", "account", "attributes"]
    with pytest.raises(ValueError, match="no record field 'amount'"):
        _table(_varied(2), ["amount"])


def test_an_empty_artifact_gives_an_empty_table_of_the_same_types() -> None:
    empty = _table([])
    assert empty.num_rows == 0
    assert empty.schema == records_table([]).schema
    assert empty.schema.field("debit").type == pa.decimal128(38, 2)


@settings(max_examples=40, deadline=None)
@given(records_strategy)
def test_records_and_lines_give_the_same_table(records: list[Record]) -> None:
    # Hot and reprocessed records go through `records_table`; cold ones through the lines.
    assert _table(records).equals(records_table(records))


def test_nothing_is_returned_from_damaged_bytes() -> None:
    store, info, summary = _stored(_varied(10))
    data = store.read_bytes(KEY)
    damaged = MemoryStore()
    damaged.put_once(KEY, data[:-9] + bytes([data[-9] ^ 1]) + data[-8:])
    with pytest.raises(ArtifactIntegrityError) as raised:
        fetch_verified(damaged, 1, info, summary)
    assert raised.value.kind == "artifact_checksum"


def test_the_summary_is_checked_before_the_table_is_returned() -> None:
    store, info, summary = _stored(_varied(10))
    for wrong in (
        summarize(_varied(9)),
        RecordSummary(
            count=summary.count,
            debit_total=summary.debit_total,
            credit_total=summary.credit_total + Decimal("0.01"),
            records_sha256=summary.records_sha256,
        ),
        RecordSummary(
            count=summary.count,
            debit_total=summary.debit_total,
            credit_total=summary.credit_total,
            records_sha256="0" * 64,
        ),
    ):
        with pytest.raises(ArtifactIntegrityError) as raised:
            fetch_verified(store, 1, info, wrong).table()
        assert raised.value.kind == "artifact_count"


def test_a_malformed_line_with_a_matching_checksum_is_refused() -> None:
    # Bytes recorded as they are (so the object checksum matches) but not canonical records.
    lines = b'{"debit":"1.00","credit":"0.00"}\n{"debit":1.00,"credit":"0.00"}\n'
    data = gzip.compress(b"[\n" + lines.replace(b"}\n{", b"},\n{") + b"]\n", mtime=0)
    store = MemoryStore()
    info = store.put_once(KEY, data)
    with pytest.raises(ArtifactIntegrityError, match="malformed record"):
        fetch_verified(store, 1, info, None).table(["debit"])


def test_a_codec_without_a_line_reader_is_read_through_its_batches() -> None:
    records = _varied(50)
    writer = V2.writer(records)
    data = b"".join(writer.chunks())
    assert writer.summary is not None
    store = MemoryStore()
    info = store.put_once(V2.key(1), data)
    table = fetch_verified(store, 1, info, writer.summary, V2).table()
    assert table.equals(records_table(records))


def test_the_decoder_reads_lines_longer_than_a_block() -> None:
    record = _record(1, description="é" * 700_000)
    decoder = LinesDecoder(["description"])
    decoder.add(b"".join(jsonl_lines([record, _record(2)])))
    table, debit, credit = decoder.table()
    assert table.column("description").to_pylist() == ["é" * 700_000, 'Invoice "A", paid']
    assert (debit, credit) == (Decimal("49.90"), Decimal("0.00"))
    assert decoder.count == 2


def test_dates_are_date32_and_missing_dates_null() -> None:
    records = [_record(1, posted_on=None), _record(2, posted_on=dt.date(1999, 12, 31))]
    assert _table(records, ["posted_on"]).column("posted_on").to_pylist() == [None, dt.date(1999, 12, 31)]
